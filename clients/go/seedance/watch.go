package seedance

import (
	"context"
	"errors"
	"io"
	"time"

	pb "github.com/seedance-gateway/seedance-gateway/clients/go/seedancev1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/connectivity"
	"google.golang.org/grpc/status"
)

// WatchFunc receives each message of a watch: state changes (each once, in
// order) and heartbeats. Returning an error stops the watch with it.
type WatchFunc func(*pb.WatchVideoTaskResponse) error

// callbackError marks an error of the caller's WatchFunc, or of a
// download's own (its file's, a stream that does not fit), which ends the
// watch or download as it is (it is never a reason to reconnect).
type callbackError struct{ err error }

func (e callbackError) Error() string { return e.err.Error() }

// Watch streams a task's changes to fn until the task ends and returns the
// task in its terminal state. after is WatchVideoTaskRequest.after_sequence
// (nil: start with the current state). When the stream breaks (the
// connection dropped, the gateway restarted), Watch calls again with the last
// sequence it delivered, so fn sees every change exactly once. It gives up
// when ctx ends, on a non-retryable error, or after Options.MaxReconnects
// failures in a row without progress.
func (c *Client) Watch(ctx context.Context, taskID string, after *uint64, fn WatchFunc) (*pb.VideoTask, error) {
	var last *pb.TaskEvent
	delay := c.opts.ReconnectDelay
	failures := 0
	for {
		req := &pb.WatchVideoTaskRequest{TaskId: taskID, AfterSequence: after}
		if last != nil {
			seq := last.Sequence
			req.AfterSequence = &seq
		}
		before := sequenceOf(last)
		err := c.drain(ctx, req, fn, &last)
		if err == nil {
			if last != nil && IsTerminal(last.State) {
				return last.Task, nil
			}
			// Resumed after the end: the task was already over.
			return c.Get(ctx, taskID)
		}
		var stop callbackError
		if errors.As(err, &stop) {
			return nil, stop.err
		}
		if ctx.Err() != nil || !IsRetryable(err) || c.closed() {
			return nil, err
		}
		if sequenceOf(last) > before {
			failures, delay = 0, c.opts.ReconnectDelay // progress: a fresh budget
		}
		if failures++; failures > c.opts.MaxReconnects {
			return nil, err
		}
		if c.opts.OnReconnect != nil {
			from := sequenceOf(last)
			if last == nil && after != nil {
				from = *after
			}
			c.opts.OnReconnect(from, err)
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(delay):
		}
		if delay *= 2; delay > 10*time.Second {
			delay = 10 * time.Second
		}
	}
}

// drain reads one stream to its end, passing messages to fn and keeping the
// last state change in *last. nil means the stream ended with OK.
func (c *Client) drain(ctx context.Context, req *pb.WatchVideoTaskRequest, fn WatchFunc, last **pb.TaskEvent) error {
	ctx, cancel := context.WithCancel(c.withAuth(ctx))
	defer cancel() // ends the stream if fn stops early
	stream, err := c.stub.WatchVideoTask(ctx, req)
	if err != nil {
		return err
	}
	for {
		m, err := stream.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if ev := m.GetStatus(); ev != nil {
			// A resumed stream never repeats a change; guard anyway.
			if *last != nil && ev.Sequence <= (*last).Sequence {
				continue
			}
			*last = ev
		}
		if err := fn(m); err != nil {
			return callbackError{err}
		}
	}
}

// closed reports whether the caller closed the connection (its Canceled is
// the caller's own, never a reason to resume).
func (c *Client) closed() bool {
	if s, ok := c.conn.(interface{ GetState() connectivity.State }); ok {
		return s.GetState() == connectivity.Shutdown
	}
	return false
}

func sequenceOf(e *pb.TaskEvent) uint64 {
	if e == nil {
		return 0
	}
	return e.Sequence
}

// IsRetryable reports whether a broken watch stream is worth resuming: the
// connection or the gateway went away (a watch is read-only, so repeating it
// is always safe). Canceled is among them: a stopping gRPC server cancels
// open calls and refuses new ones with it; Watch checks its own ctx and
// whether the connection was closed first, so the caller's own
// cancellation is never retried.
func IsRetryable(err error) bool {
	switch status.Code(err) {
	case codes.Unavailable, codes.Canceled, codes.DeadlineExceeded, codes.Internal, codes.Unknown:
		return true
	}
	return false
}
