package seedance

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	pb "github.com/seedance-gateway/seedance-gateway/clients/go/seedancev1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
)

// read is what one ReadVideoContent call does: fail at once with refuse;
// or send the header (sha256 digest, "": file's own), then file from the
// request's offset in 64 KiB chunks, only cut bytes of it (0: all, -1:
// none), and end with code.
type read struct {
	refuse error
	file   []byte
	digest string
	cut    int
	code   codes.Code
}

func (g *scriptedGateway) ReadVideoContent(req *pb.ReadVideoContentRequest, stream pb.VideoGateway_ReadVideoContentServer) error {
	md, _ := metadata.FromIncomingContext(stream.Context())
	g.mu.Lock()
	g.tokens = append(g.tokens, md.Get("authorization")...)
	g.offsets = append(g.offsets, req.Offset)
	r := g.reads[0]
	g.reads = g.reads[1:]
	g.mu.Unlock()
	if r.refuse != nil {
		return r.refuse
	}
	digest := r.digest
	if digest == "" {
		sum := sha256.Sum256(r.file)
		digest = hex.EncodeToString(sum[:])
	}
	rest := r.file[req.Offset:]
	if err := stream.Send(&pb.ReadVideoContentResponse{Part: &pb.ReadVideoContentResponse_Header{
		Header: &pb.ContentHeader{ContentType: "video/mp4", TotalSize: int64(len(r.file)), Sha256: digest,
			Offset: req.Offset, Length: int64(len(rest))}}}); err != nil {
		return err
	}
	if r.cut < 0 {
		rest = nil
	} else if r.cut > 0 {
		rest = rest[:r.cut]
	}
	for offset := req.Offset; len(rest) > 0; {
		n := 64 << 10
		if n > len(rest) {
			n = len(rest)
		}
		if err := stream.Send(&pb.ReadVideoContentResponse{Part: &pb.ReadVideoContentResponse_Chunk{
			Chunk: &pb.ContentChunk{Offset: offset, Data: rest[:n]}}}); err != nil {
			return err
		}
		offset += int64(n)
		rest = rest[n:]
	}
	if r.code == codes.OK {
		return nil
	}
	return status.Errorf(r.code, "scripted %v", r.code)
}

// refusal is a gateway error with an ErrorInfo reason and, if retry > 0, a
// RetryInfo.
func refusal(t *testing.T, code codes.Code, reason string, retry time.Duration) error {
	s, err := status.New(code, "scripted "+reason).WithDetails(&errdetails.ErrorInfo{Reason: reason, Domain: "seedance-gateway"})
	if err == nil && retry > 0 {
		s, err = s.WithDetails(&errdetails.RetryInfo{RetryDelay: durationpb.New(retry)})
	}
	if err != nil {
		t.Fatal(err)
	}
	return s.Err()
}

func serveReads(t *testing.T, reads []read, opts *Options) (*scriptedGateway, *Client) {
	gateway, client := serve(t, nil, opts)
	gateway.mu.Lock()
	gateway.reads = reads
	gateway.mu.Unlock()
	return gateway, client
}

// content is a file whose bytes differ from one position to the next.
var content = func() []byte {
	b := make([]byte, 300<<10)
	for i := range b {
		b[i] = byte(i*7 + i>>9)
	}
	return b
}()

type retried struct {
	offset int64
	wait   time.Duration
	code   codes.Code
	reason string
}

func recordRetries(into *[]retried) func(int64, time.Duration, error) {
	return func(offset int64, wait time.Duration, err error) {
		d := Details(err)
		*into = append(*into, retried{offset, wait, d.Code, d.Reason})
	}
}

// noFiles fails unless dir is empty (neither the file nor its .part).
func noFiles(t *testing.T, dir string) {
	t.Helper()
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left %v", entries)
	}
}

func TestADownloadResumesBrokenStreamsFromTheBytesWritten(t *testing.T) {
	var retries []retried
	// A budget of 1: each break made progress, so neither uses it up.
	gateway, client := serveReads(t, []read{
		{file: content, cut: 100000, code: codes.Unavailable}, // the connection dropped
		{file: content, cut: 70000, code: codes.Canceled},     // the gateway stopped
		{file: content},
	}, &Options{MaxReconnects: 1, OnContentRetry: recordRetries(&retries)})
	path := filepath.Join(t.TempDir(), "out.mp4")
	var progress [][2]int64
	got, err := client.DownloadContent(context.Background(), "task-1", pb.ResultFile_RESULT_FILE_VIDEO, path,
		func(received, total int64) { progress = append(progress, [2]int64{received, total}) })
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gateway.offsets, []int64{0, 100000, 170000}) {
		t.Errorf("offsets %v, want [0 100000 170000]", gateway.offsets)
	}
	saved, _ := os.ReadFile(path)
	sum := sha256.Sum256(content)
	if !bytes.Equal(saved, content) {
		t.Errorf("saved %d bytes, not the file's %d", len(saved), len(content))
	}
	want := &Downloaded{Path: path, Size: int64(len(content)), SHA256: hex.EncodeToString(sum[:]), ContentType: "video/mp4"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("result %+v, want %+v", got, want)
	}
	if _, err := os.Stat(path + ".part"); !os.IsNotExist(err) {
		t.Errorf("the .part file is left: %v", err)
	}
	wantRetries := []retried{{100000, time.Millisecond, codes.Unavailable, ""}, {170000, time.Millisecond, codes.Canceled, ""}}
	if !reflect.DeepEqual(retries, wantRetries) {
		t.Errorf("retries %+v, want %+v", retries, wantRetries)
	}
	for i, p := range progress {
		if p[1] != int64(len(content)) || (i > 0 && p[0] < progress[i-1][0]) {
			t.Fatalf("progress %v after %v", p, progress[:i])
		}
	}
	if last := progress[len(progress)-1]; progress[0][0] != 0 || last[0] != int64(len(content)) {
		t.Errorf("progress from %v to %v", progress[0], last)
	}
	for _, token := range gateway.tokens {
		if token != "Bearer token-1" {
			t.Errorf("tokens %v", gateway.tokens)
		}
	}
	if len(gateway.tokens) != 3 {
		t.Errorf("tokens %v, want one per call", gateway.tokens)
	}
}

func TestADownloadWaitsForAPendingCopyLongerThanTheReconnectBudget(t *testing.T) {
	var retries []retried
	pending := refusal(t, codes.Unavailable, ReasonContentPending, 3*time.Millisecond)
	reads := []read{}
	for i := 0; i < 5; i++ {
		reads = append(reads, read{refuse: pending})
	}
	reads = append(reads, read{file: content})
	gateway, client := serveReads(t, reads, &Options{MaxReconnects: 2, OnContentRetry: recordRetries(&retries)})
	path := filepath.Join(t.TempDir(), "out.mp4")
	if _, err := client.DownloadContent(context.Background(), "task-1", pb.ResultFile_RESULT_FILE_UNSPECIFIED, path, nil); err != nil {
		t.Fatal(err)
	}
	if saved, _ := os.ReadFile(path); !bytes.Equal(saved, content) {
		t.Errorf("saved %d bytes", len(saved))
	}
	if len(gateway.offsets) != 6 || len(retries) != 5 {
		t.Errorf("%d calls and %d retries, want 6 and 5", len(gateway.offsets), len(retries))
	}
	for _, r := range retries {
		if r != (retried{0, 3 * time.Millisecond, codes.Unavailable, ReasonContentPending}) {
			t.Errorf("retry %+v, want one after the RetryInfo's 3ms", r)
		}
	}
}

func TestTheReconnectBudgetEndsADownloadThatNeverComesBack(t *testing.T) {
	gateway, client := serveReads(t, []read{
		{file: content, cut: 1000, code: codes.Unavailable},
		{file: content, cut: -1, code: codes.Unavailable}, // the header, no bytes
		{refuse: status.Error(codes.Unavailable, "nobody listening")},
		{file: content, cut: -1, code: codes.Unavailable},
	}, &Options{MaxReconnects: 3})
	dir := t.TempDir()
	_, err := client.DownloadContent(context.Background(), "task-1", pb.ResultFile_RESULT_FILE_VIDEO, filepath.Join(dir, "out.mp4"), nil)
	if status.Code(err) != codes.Unavailable {
		t.Fatalf("err %v, want Unavailable", err)
	}
	if !reflect.DeepEqual(gateway.offsets, []int64{0, 1000, 1000, 1000}) {
		t.Errorf("offsets %v", gateway.offsets)
	}
	noFiles(t, dir)
}

func TestADigestMismatchIsDataLossAndLeavesNoFile(t *testing.T) {
	_, client := serveReads(t, []read{{file: content, digest: strings.Repeat("0", 64)}}, nil)
	dir := t.TempDir()
	_, err := client.DownloadContent(context.Background(), "task-1", pb.ResultFile_RESULT_FILE_VIDEO, filepath.Join(dir, "out.mp4"), nil)
	if status.Code(err) != codes.DataLoss {
		t.Fatalf("err %v, want DataLoss", err)
	}
	noFiles(t, dir)
}

func TestAResumedStreamOfAnotherFileAborts(t *testing.T) {
	other := append([]byte(nil), content...)
	other[len(other)-1]++
	gateway, client := serveReads(t, []read{
		{file: content, cut: 100000, code: codes.Unavailable},
		{file: other},
	}, nil)
	dir := t.TempDir()
	_, err := client.DownloadContent(context.Background(), "task-1", pb.ResultFile_RESULT_FILE_VIDEO, filepath.Join(dir, "out.mp4"), nil)
	if status.Code(err) != codes.Aborted {
		t.Fatalf("err %v, want Aborted", err)
	}
	if len(gateway.offsets) != 2 {
		t.Errorf("%d calls, want 2", len(gateway.offsets))
	}
	noFiles(t, dir)
}

func TestARefusalCarriesItsReasonAndIsNotRetried(t *testing.T) {
	for _, reason := range []string{ReasonTaskNotSucceeded, ReasonContentNotKept, ReasonContentExpired, ReasonContentNotAvailable} {
		t.Run(reason, func(t *testing.T) {
			gateway, client := serveReads(t, []read{{refuse: refusal(t, codes.FailedPrecondition, reason, 0)}}, nil)
			dir := t.TempDir()
			_, err := client.DownloadContent(context.Background(), "task-1", pb.ResultFile_RESULT_FILE_LAST_FRAME, filepath.Join(dir, "out.png"), nil)
			if d := Details(err); d.Code != codes.FailedPrecondition || d.Reason != reason {
				t.Fatalf("err %v, want FAILED_PRECONDITION with reason %s", err, reason)
			}
			if len(gateway.offsets) != 1 {
				t.Errorf("%d calls, want 1", len(gateway.offsets))
			}
			noFiles(t, dir)
		})
	}
}

func TestAnUnwritablePathFailsBeforeAnyCall(t *testing.T) {
	gateway, client := serveReads(t, []read{{file: content}}, nil)
	_, err := client.DownloadContent(context.Background(), "task-1", pb.ResultFile_RESULT_FILE_VIDEO,
		filepath.Join(t.TempDir(), "no-such-dir", "out.mp4"), nil)
	if !os.IsNotExist(err) {
		t.Fatalf("err %v, want the file system's not-exist", err)
	}
	if len(gateway.offsets) != 0 {
		t.Errorf("%d calls, want none", len(gateway.offsets))
	}
}
