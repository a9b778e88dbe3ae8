// A user's own program, outside the repository, on the Go module
// github.com/seedance-gateway/seedance-gateway/clients/go: create a video
// task, watch it to its end, download the video. What
// tests/packages/package_test.cc builds (as module example.com/makevideo)
// and runs.
//
//	make-video --gateway=HOST:PORT --token=TOKEN --output=video.mp4
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/seedance-gateway/seedance-gateway/clients/go/seedance"
	pb "github.com/seedance-gateway/seedance-gateway/clients/go/seedancev1"
)

func main() {
	gateway := flag.String("gateway", "", "host:port")
	token := flag.String("token", "", "bearer token")
	output := flag.String("output", "", "where to save the video")
	flag.Parse()
	if err := run(*gateway, *token, *output); err != nil {
		fmt.Fprintln(os.Stderr, "error", err)
		os.Exit(1)
	}
}

func run(gateway, token, output string) error {
	conn, err := seedance.Dial(gateway)
	if err != nil {
		return err
	}
	defer conn.Close()
	client := seedance.New(conn, token, nil)
	ctx := context.Background()
	duration := int32(5)
	task, err := client.Create(ctx, &pb.CreateVideoTaskRequest{Spec: &pb.VideoSpec{
		Model: "doubao-seedance-1-0-pro-250528", Prompt: "a kitten yawning", DurationSeconds: &duration}})
	if err != nil {
		return err
	}
	fmt.Println("created", task.TaskId)
	from := uint64(0) // the whole history, from the state it was created in
	done, err := client.Watch(ctx, task.TaskId, &from, func(m *pb.WatchVideoTaskResponse) error {
		if s := m.GetStatus(); s != nil {
			fmt.Printf("state %v seq=%d\n", s.State, s.Sequence)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if done.State != pb.TaskState_TASK_STATE_SUCCEEDED {
		return fmt.Errorf("ended %v: %s", done.State, done.GetError().GetMessage())
	}
	shown := int64(-1)
	// The gateway's own copy, checked against its digest.
	saved, err := client.DownloadContent(ctx, done.TaskId, pb.ResultFile_RESULT_FILE_VIDEO, output, func(received, total int64) {
		if received == total || received-shown >= 1<<20 {
			fmt.Printf("downloaded %d of %d bytes\n", received, total)
			shown = received
		}
	})
	if err != nil {
		return err
	}
	fmt.Printf("saved %s bytes=%d sha256=%s\n", saved.Path, saved.Size, saved.SHA256)
	return nil
}
