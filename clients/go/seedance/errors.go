package seedance

import (
	"fmt"
	"sort"
	"strings"
	"time"

	// APIv1's proto: Debian's genproto types (google.rpc) are APIv1 messages.
	"github.com/golang/protobuf/proto"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// ErrorInfo reasons of ReadVideoContent (DownloadContent), in
// ErrorDetails.Reason.
const (
	// FAILED_PRECONDITION: the task did not succeed (yet).
	ReasonTaskNotSucceeded = "TASK_NOT_SUCCEEDED"
	// FAILED_PRECONDITION: the gateway could not keep the file (see the
	// task's video_content.error).
	ReasonContentNotKept = "CONTENT_NOT_KEPT"
	// FAILED_PRECONDITION: the copy was removed after its retention time.
	ReasonContentExpired = "CONTENT_EXPIRED"
	// FAILED_PRECONDITION: the gateway keeps no copy: download the
	// provider's URL (Download) while it lasts.
	ReasonContentNotAvailable = "CONTENT_NOT_AVAILABLE"
	// UNAVAILABLE, with a RetryDelay: the gateway is still fetching the
	// file (DownloadContent waits).
	ReasonContentPending = "CONTENT_PENDING"
)

// FieldViolation is one bad request field (google.rpc.BadRequest).
type FieldViolation struct {
	Field       string // e.g. "spec.duration_seconds"
	Description string
}

// ErrorDetails is a gateway error decoded from its google.rpc.Status: the
// gRPC code and message, then the typed details the gateway attaches.
type ErrorDetails struct {
	Code    codes.Code
	Message string
	// FieldViolations names every bad field of an INVALID_ARGUMENT.
	FieldViolations []FieldViolation
	// RetryDelay is how long to wait before retrying (RetryInfo); 0 if the
	// gateway gave none.
	RetryDelay time.Duration
	// Reason, Domain and Metadata come from ErrorInfo: e.g. reason
	// "TOO_MANY_TASKS_IN_FLIGHT", metadata "upstream_code" and "trace_id".
	Reason   string
	Domain   string
	Metadata map[string]string
}

// Details decodes the error of a call (nil for nil). Errors that are not
// gRPC statuses come back with code Unknown and their text.
func Details(err error) *ErrorDetails {
	if err == nil {
		return nil
	}
	return DetailsFromStatus(status.Convert(err).Proto())
}

// DetailsFromStatus decodes a google.rpc.Status, such as VideoTask.Error of
// a task that did not succeed (nil for nil).
func DetailsFromStatus(s *spb.Status) *ErrorDetails {
	if s == nil {
		return nil
	}
	d := &ErrorDetails{Code: codes.Code(s.Code), Message: s.Message}
	for _, any := range s.Details {
		// Decoded by type URL, so that details of unknown types are skipped.
		name := any.TypeUrl[strings.LastIndex(any.TypeUrl, "/")+1:]
		switch name {
		case "google.rpc.BadRequest":
			var br errdetails.BadRequest
			if proto.Unmarshal(any.Value, &br) == nil {
				for _, v := range br.FieldViolations {
					d.FieldViolations = append(d.FieldViolations, FieldViolation{v.Field, v.Description})
				}
			}
		case "google.rpc.RetryInfo":
			var ri errdetails.RetryInfo
			if proto.Unmarshal(any.Value, &ri) == nil && ri.RetryDelay != nil {
				d.RetryDelay = time.Duration(ri.RetryDelay.Seconds)*time.Second +
					time.Duration(ri.RetryDelay.Nanos)
			}
		case "google.rpc.ErrorInfo":
			var ei errdetails.ErrorInfo
			if proto.Unmarshal(any.Value, &ei) == nil {
				d.Reason, d.Domain, d.Metadata = ei.Reason, ei.Domain, ei.Metadata
			}
		}
	}
	return d
}

// String is one line: "INVALID_ARGUMENT: message [spec.duration_seconds: ...]".
func (d *ErrorDetails) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", CodeName(d.Code), d.Message)
	for _, v := range d.FieldViolations {
		fmt.Fprintf(&b, " [%s: %s]", v.Field, v.Description)
	}
	if d.RetryDelay > 0 {
		fmt.Fprintf(&b, " (retry after %s)", d.RetryDelay)
	}
	if d.Reason != "" {
		fmt.Fprintf(&b, " reason=%s", d.Reason)
		keys := make([]string, 0, len(d.Metadata))
		for k := range d.Metadata {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, " %s=%s", k, d.Metadata[k])
		}
	}
	return b.String()
}

// CodeName is the canonical UPPER_SNAKE_CASE name of a code
// ("INVALID_ARGUMENT"), as in google.rpc.Code and the other clients.
func CodeName(c codes.Code) string {
	names := map[codes.Code]string{
		codes.OK: "OK", codes.Canceled: "CANCELLED", codes.Unknown: "UNKNOWN",
		codes.InvalidArgument: "INVALID_ARGUMENT", codes.DeadlineExceeded: "DEADLINE_EXCEEDED",
		codes.NotFound: "NOT_FOUND", codes.AlreadyExists: "ALREADY_EXISTS",
		codes.PermissionDenied: "PERMISSION_DENIED", codes.ResourceExhausted: "RESOURCE_EXHAUSTED",
		codes.FailedPrecondition: "FAILED_PRECONDITION", codes.Aborted: "ABORTED",
		codes.OutOfRange: "OUT_OF_RANGE", codes.Unimplemented: "UNIMPLEMENTED",
		codes.Internal: "INTERNAL", codes.Unavailable: "UNAVAILABLE", codes.DataLoss: "DATA_LOSS",
		codes.Unauthenticated: "UNAUTHENTICATED",
	}
	if n, ok := names[c]; ok {
		return n
	}
	return fmt.Sprintf("CODE_%d", int(c))
}
