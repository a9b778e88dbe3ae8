package seedance

import (
	"context"
	"net"
	"reflect"
	"sync"
	"testing"
	"time"

	pb "github.com/seedance-gateway/seedance-gateway/clients/go/seedancev1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
)

// script is what one watch call does: send these states, numbered on from
// the request's after_sequence, then end with code (codes.OK: the end).
type script struct {
	states []pb.TaskState
	code   codes.Code
}

// hold as a script's code keeps the stream open after its states, until the
// client goes away.
const hold = codes.Code(1000)

// scriptedGateway plays the next script on each watch call and records
// what the calls asked for.
type scriptedGateway struct {
	pb.UnimplementedVideoGatewayServer
	mu      sync.Mutex
	scripts []script
	afters  []int64 // -1: no after_sequence
	tokens  []string
	creates []*pb.CreateVideoTaskRequest
	reads   []read  // ReadVideoContent's scripts (content_test.go)
	offsets []int64 // the offset of each ReadVideoContent call
}

func (g *scriptedGateway) WatchVideoTask(req *pb.WatchVideoTaskRequest, stream pb.VideoGateway_WatchVideoTaskServer) error {
	g.mu.Lock()
	after := int64(-1)
	if req.AfterSequence != nil {
		after = int64(*req.AfterSequence)
	}
	g.afters = append(g.afters, after)
	s := g.scripts[0]
	g.scripts = g.scripts[1:]
	g.mu.Unlock()
	seq := req.GetAfterSequence()
	for _, state := range s.states {
		seq++
		task := &pb.VideoTask{TaskId: req.TaskId, State: state, Sequence: seq}
		if err := stream.Send(&pb.WatchVideoTaskResponse{Event: &pb.WatchVideoTaskResponse_Status{
			Status: &pb.TaskEvent{TaskId: req.TaskId, Sequence: seq, State: state, Task: task}}}); err != nil {
			return err
		}
	}
	if s.code == hold {
		<-stream.Context().Done()
		return stream.Context().Err()
	}
	if s.code == codes.OK {
		return nil
	}
	return status.Errorf(s.code, "scripted %v", s.code)
}

func (g *scriptedGateway) CreateVideoTask(ctx context.Context, req *pb.CreateVideoTaskRequest) (*pb.VideoTask, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	g.mu.Lock()
	defer g.mu.Unlock()
	g.tokens = append(g.tokens, md.Get("authorization")...)
	g.creates = append(g.creates, req)
	return &pb.VideoTask{TaskId: "task-1", RequestId: req.RequestId, Spec: req.Spec}, nil
}

func serve(t *testing.T, scripts []script, opts *Options) (*scriptedGateway, *Client) {
	gateway, client, _ := serveConn(t, scripts, opts)
	return gateway, client
}

func serveConn(t *testing.T, scripts []script, opts *Options) (*scriptedGateway, *Client, *grpc.ClientConn) {
	t.Helper()
	listener := bufconn.Listen(1 << 20)
	gateway := &scriptedGateway{scripts: scripts}
	server := grpc.NewServer()
	pb.RegisterVideoGatewayServer(server, gateway)
	go server.Serve(listener)
	t.Cleanup(server.Stop)
	conn, err := grpc.Dial("bufnet", grpc.WithInsecure(),
		grpc.WithContextDialer(func(context.Context, string) (net.Conn, error) { return listener.Dial() }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if opts == nil {
		opts = &Options{}
	}
	opts.ReconnectDelay = time.Millisecond
	return gateway, New(conn, "token-1", opts), conn
}

func TestAWatchResumesThroughAGatewayShutdownWithEachChangeOnce(t *testing.T) {
	var resumed []string
	gateway, client := serve(t, []script{
		{[]pb.TaskState{pb.TaskState_TASK_STATE_RUNNING}, codes.Unavailable}, // the gateway's own shutdown status
		{nil, codes.Canceled},    // gRPC's, to a call made while it stops
		{nil, codes.Unavailable}, // nobody listening yet
		{[]pb.TaskState{pb.TaskState_TASK_STATE_SUCCEEDED}, codes.OK},
	}, &Options{OnReconnect: func(after uint64, err error) {
		resumed = append(resumed, status.Code(err).String())
	}})
	var seen []uint64
	task, err := client.Watch(context.Background(), "task-1", nil, func(m *pb.WatchVideoTaskResponse) error {
		if s := m.GetStatus(); s != nil {
			seen = append(seen, s.Sequence)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Watch: %v", err)
	}
	if task.State != pb.TaskState_TASK_STATE_SUCCEEDED {
		t.Errorf("state %v, want SUCCEEDED", task.State)
	}
	if !reflect.DeepEqual(seen, []uint64{1, 2}) {
		t.Errorf("changes %v, want [1 2]", seen)
	}
	if !reflect.DeepEqual(gateway.afters, []int64{-1, 1, 1, 1}) {
		t.Errorf("after_sequence of each call %v, want [-1 1 1 1]", gateway.afters)
	}
	if !reflect.DeepEqual(resumed, []string{"Unavailable", "Canceled", "Unavailable"}) {
		t.Errorf("resumed on %v", resumed)
	}
}

func TestANonRetryableErrorEndsTheWatch(t *testing.T) {
	gateway, client := serve(t, []script{{[]pb.TaskState{pb.TaskState_TASK_STATE_RUNNING}, codes.NotFound}}, nil)
	_, err := client.Watch(context.Background(), "task-1", nil, func(*pb.WatchVideoTaskResponse) error { return nil })
	if status.Code(err) != codes.NotFound {
		t.Fatalf("err %v, want NotFound", err)
	}
	if len(gateway.afters) != 1 {
		t.Errorf("%d calls, want 1", len(gateway.afters))
	}
}

func TestTheReconnectBudgetEndsAWatchThatNeverComesBack(t *testing.T) {
	scripts := []script{{nil, codes.Canceled}, {nil, codes.Canceled}, {nil, codes.Canceled}, {nil, codes.Canceled}}
	gateway, client := serve(t, scripts, &Options{MaxReconnects: 3})
	_, err := client.Watch(context.Background(), "task-1", nil, func(*pb.WatchVideoTaskResponse) error { return nil })
	if status.Code(err) != codes.Canceled {
		t.Fatalf("err %v, want Canceled", err)
	}
	if len(gateway.afters) != 4 { // the first try and 3 reconnects
		t.Errorf("%d calls, want 4", len(gateway.afters))
	}
}

func TestTheCallersOwnCancellationIsNeverResumed(t *testing.T) {
	gateway, client := serve(t, []script{{[]pb.TaskState{pb.TaskState_TASK_STATE_RUNNING}, hold}},
		&Options{OnReconnect: func(uint64, error) { t.Error("resumed after the caller's own cancellation") }})
	ctx, cancel := context.WithCancel(context.Background())
	_, err := client.Watch(ctx, "task-1", nil, func(*pb.WatchVideoTaskResponse) error {
		cancel()
		return nil
	})
	if err == nil {
		t.Fatal("Watch went on after its context was cancelled")
	}
	if len(gateway.afters) != 1 {
		t.Errorf("%d calls, want 1", len(gateway.afters))
	}
}

func TestACreateCarriesTheTokenAndAFreshRequestId(t *testing.T) {
	gateway, client := serve(t, nil, nil)
	task, err := client.Create(context.Background(), &pb.CreateVideoTaskRequest{Spec: &pb.VideoSpec{Model: "m", Prompt: "p"}})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gateway.tokens, []string{"Bearer token-1"}) {
		t.Errorf("tokens %v", gateway.tokens)
	}
	if len(gateway.creates[0].RequestId) != 36 || task.RequestId != gateway.creates[0].RequestId {
		t.Errorf("request_id %q (task %q)", gateway.creates[0].RequestId, task.RequestId)
	}
}

func TestClosingTheConnectionEndsAWatchWithoutResumingIt(t *testing.T) {
	gateway, client, conn := serveConn(t, []script{{[]pb.TaskState{pb.TaskState_TASK_STATE_RUNNING}, hold}},
		&Options{OnReconnect: func(uint64, error) { t.Error("resumed after the caller closed the connection") }})
	_, err := client.Watch(context.Background(), "task-1", nil, func(*pb.WatchVideoTaskResponse) error {
		conn.Close()
		return nil
	})
	if err == nil {
		t.Fatal("Watch went on after its connection was closed")
	}
	if len(gateway.afters) != 1 {
		t.Errorf("%d calls, want 1", len(gateway.afters))
	}
}
