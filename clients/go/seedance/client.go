// Package seedance is a small Go client of the seedance gateway
// (seedance.v1.VideoGateway): unary calls with the bearer token and a
// per-call timeout; Watch, which follows a task to its end and resumes
// the stream after a dropped connection without losing or repeating a
// change; and DownloadContent, which saves the gateway's copy of a result
// file, resuming a broken stream and checking the SHA-256.
//
//	conn, err := seedance.Dial("127.0.0.1:50051")
//	client := seedance.New(conn, token, nil)
//	task, err := client.Create(ctx, &pb.CreateVideoTaskRequest{Spec: &pb.VideoSpec{
//		Model: "doubao-seedance-1-0-pro-250528", Prompt: "a kitten yawning"}})
//	done, err := client.Watch(ctx, task.TaskId, nil, func(m *pb.WatchVideoTaskResponse) error {
//		fmt.Println(m)
//		return nil
//	})
//	saved, err := client.DownloadContent(ctx, task.TaskId, pb.ResultFile_RESULT_FILE_VIDEO, "kitten.mp4", nil)
//	if d := seedance.Details(err); d != nil { fmt.Println(d.FieldViolations, d.RetryDelay, d.Reason) }
//
// Errors are the gRPC status errors of google.golang.org/grpc/status;
// Details decodes their google.rpc details (errors.go).
package seedance

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	pb "github.com/seedance-gateway/seedance-gateway/clients/go/seedancev1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"
)

// Options tune a Client. The zero value of a field means its default.
type Options struct {
	// CallTimeout bounds each unary call (default 30 s). Watch has none: a
	// task may take minutes.
	CallTimeout time.Duration
	// ReconnectDelay is the first pause before a watch is resumed (default
	// 200 ms); it doubles on each failure in a row, up to 10 s.
	ReconnectDelay time.Duration
	// MaxReconnects is how many resumptions in a row without progress Watch
	// tries before it gives up (default 20).
	MaxReconnects int
	// OnReconnect, if set, is told each time Watch resumes a broken stream:
	// the after_sequence it resumes from and the error that broke it.
	OnReconnect func(afterSequence uint64, err error)
	// OnContentRetry, if set, is told each time DownloadContent calls
	// again: the offset it resumes from, how long it waits first, and the
	// error (a broken stream, or UNAVAILABLE with reason CONTENT_PENDING).
	OnContentRetry func(offset int64, wait time.Duration, err error)
}

// Client calls the gateway with one token. Safe for concurrent use.
type Client struct {
	conn  grpc.ClientConnInterface
	stub  pb.VideoGatewayClient
	token string
	opts  Options
}

// Dial opens a plaintext connection (a gateway on loopback or behind a
// TLS-terminating proxy). Use grpc.Dial with credentials for TLS.
func Dial(address string, opts ...grpc.DialOption) (*grpc.ClientConn, error) {
	return grpc.Dial(address, append([]grpc.DialOption{grpc.WithInsecure()}, opts...)...)
}

// New returns a client over conn that sends `authorization: Bearer token`.
// opts may be nil.
func New(conn grpc.ClientConnInterface, token string, opts *Options) *Client {
	c := &Client{conn: conn, stub: pb.NewVideoGatewayClient(conn), token: token}
	if opts != nil {
		c.opts = *opts
	}
	if c.opts.CallTimeout <= 0 {
		c.opts.CallTimeout = 30 * time.Second
	}
	if c.opts.ReconnectDelay <= 0 {
		c.opts.ReconnectDelay = 200 * time.Millisecond
	}
	if c.opts.MaxReconnects <= 0 {
		c.opts.MaxReconnects = 20
	}
	return c
}

// withAuth adds the token to ctx's outgoing metadata.
func (c *Client) withAuth(ctx context.Context) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+c.token)
}

// unary prepares the context of a unary call: token and timeout.
func (c *Client) unary(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(c.withAuth(ctx), c.opts.CallTimeout)
}

// Create accepts a task and returns it at once (PENDING or QUEUED). Without
// req.RequestId it sends a fresh UUID (req itself is not changed); pass your
// own to retry a create safely: the same id never creates, and bills, a
// second task.
func (c *Client) Create(ctx context.Context, req *pb.CreateVideoTaskRequest) (*pb.VideoTask, error) {
	if req.GetRequestId() == "" {
		req = proto.Clone(req).(*pb.CreateVideoTaskRequest)
		req.RequestId = newUUID()
	}
	ctx, cancel := c.unary(ctx)
	defer cancel()
	return c.stub.CreateVideoTask(ctx, req)
}

// newUUID is a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // the system's random source failed: nothing sensible to do
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// Get returns one of the caller's tasks.
func (c *Client) Get(ctx context.Context, taskID string) (*pb.VideoTask, error) {
	ctx, cancel := c.unary(ctx)
	defer cancel()
	return c.stub.GetVideoTask(ctx, &pb.GetVideoTaskRequest{TaskId: taskID})
}

// List returns a page of the caller's tasks, newest first.
func (c *Client) List(ctx context.Context, req *pb.ListVideoTasksRequest) (*pb.ListVideoTasksResponse, error) {
	ctx, cancel := c.unary(ctx)
	defer cancel()
	return c.stub.ListVideoTasks(ctx, req)
}

// Cancel stops a task that has not ended and returns it (CANCELLED).
func (c *Client) Cancel(ctx context.Context, taskID string) (*pb.VideoTask, error) {
	ctx, cancel := c.unary(ctx)
	defer cancel()
	return c.stub.CancelVideoTask(ctx, &pb.CancelVideoTaskRequest{TaskId: taskID})
}

// ListModels returns the models the gateway knows.
func (c *Client) ListModels(ctx context.Context) (*pb.ListModelsResponse, error) {
	ctx, cancel := c.unary(ctx)
	defer cancel()
	return c.stub.ListModels(ctx, &pb.ListModelsRequest{})
}

// IsTerminal reports whether a task in state s will never change again.
func IsTerminal(s pb.TaskState) bool {
	switch s {
	case pb.TaskState_TASK_STATE_SUCCEEDED, pb.TaskState_TASK_STATE_FAILED,
		pb.TaskState_TASK_STATE_CANCELLED, pb.TaskState_TASK_STATE_EXPIRED:
		return true
	}
	return false
}
