// seedance-go-example: the Go client of the seedance gateway at work. By
// default (--mode=demo) it creates a video task, watches it to the end
// printing each event, prints the video URL, then shows how a failed call's
// details decode (a request with duration_seconds=30, checked with
// validate_only so nothing is created).
//
//	seedance-go-example --gateway=127.0.0.1:50051 --token=$SEEDANCE_TOKEN \
//	    --model=doubao-seedance-1-0-pro-250528 --prompt="a kitten yawning"
//
// Other modes, one step each (the interop test drives them):
//
//	--mode=create [--duration=N]       create a task and print it
//	--mode=watch --task-id=ID [--after=N]   watch to the end (resumes)
//	--mode=cancel --task-id=ID         cancel, then watch to the end
//
// With --output=FILE (demo and watch) a succeeded task's video is saved
// there: the gateway's own copy (ReadVideoContent: resumed when the stream
// breaks, waiting while the gateway still fetches it, checked against its
// SHA-256), or the provider's video_url only when the gateway keeps no copy
// (CONTENT_NOT_AVAILABLE). A progress line (bytes of total, percent, rate)
// is drawn on a terminal only.
//
// Output is one "kind key=value ..." line per thing, the same in the Python
// and Node examples; "message=" and "description=" run to the end of the
// line. Exit status (the C++ client's for failed calls): 0 done, 1 the task did not
// succeed, 2 invalid input, 3 unavailable or refused for now, 4 auth, 5 other.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/seedance-gateway/seedance-gateway/clients/go/seedance"
	pb "github.com/seedance-gateway/seedance-gateway/clients/go/seedancev1"
	"google.golang.org/grpc/codes"
)

var (
	gateway  = flag.String("gateway", envOr("SEEDANCE_GATEWAY", "127.0.0.1:50051"), "gateway address host:port")
	token    = flag.String("token", os.Getenv("SEEDANCE_TOKEN"), "bearer token (default $SEEDANCE_TOKEN)")
	model    = flag.String("model", "doubao-seedance-1-0-pro-250528", "model")
	prompt   = flag.String("prompt", "a kitten yawning at the camera", "prompt")
	mode     = flag.String("mode", "demo", "demo, create, watch or cancel")
	taskID   = flag.String("task-id", "", "task for watch and cancel")
	after    = flag.Int64("after", -1, "watch: resume after this sequence (-1: from the current state)")
	duration = flag.Int("duration", 0, "create: duration_seconds (0: unset)")
	output   = flag.String("output", "", "demo and watch: save a succeeded task's video to this file")
)

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

func stateName(s pb.TaskState) string { return strings.TrimPrefix(s.String(), "TASK_STATE_") }

func printEvent(m *pb.WatchVideoTaskResponse) error {
	if ev := m.GetStatus(); ev != nil {
		fmt.Printf("event task=%s seq=%d state=%s\n", ev.TaskId, ev.Sequence, stateName(ev.State))
	} else if hb := m.GetHeartbeat(); hb != nil {
		fmt.Printf("heartbeat task=%s seq=%d state=%s elapsed=%.1fs\n", hb.TaskId, hb.Sequence,
			stateName(hb.State), hb.Elapsed.AsDuration().Seconds())
	}
	return nil
}

// printDetails prints a decoded error, one line per detail.
func printDetails(kind string, d *seedance.ErrorDetails) {
	fmt.Printf("%s code=%s message=%s\n", kind, seedance.CodeName(d.Code), d.Message)
	for _, v := range d.FieldViolations {
		fmt.Printf("  field_violation field=%s description=%s\n", v.Field, v.Description)
	}
	if d.RetryDelay > 0 {
		fmt.Printf("  retry_delay_ms=%d\n", d.RetryDelay.Milliseconds())
	}
	if d.Reason != "" {
		line := fmt.Sprintf("  error_info reason=%s domain=%s", d.Reason, d.Domain)
		keys := make([]string, 0, len(d.Metadata))
		for k := range d.Metadata {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			line += fmt.Sprintf(" %s=%s", k, d.Metadata[k])
		}
		fmt.Println(line)
	}
}

// fail prints a failed call and returns the exit status for it.
func fail(err error) int {
	d := seedance.Details(err)
	printDetails("error", d)
	switch d.Code {
	case codes.InvalidArgument, codes.NotFound, codes.AlreadyExists, codes.FailedPrecondition, codes.OutOfRange:
		return 2
	case codes.Unavailable, codes.DeadlineExceeded, codes.ResourceExhausted:
		return 3
	case codes.Unauthenticated, codes.PermissionDenied:
		return 4
	}
	return 5
}

// finish prints a task that ended; 0 if it succeeded.
func finish(task *pb.VideoTask) int {
	fmt.Printf("done task=%s state=%s seq=%d\n", task.TaskId, stateName(task.State), task.Sequence)
	if task.State == pb.TaskState_TASK_STATE_SUCCEEDED {
		fmt.Printf("video_url=%s\n", task.GetResult().GetVideoUrl())
		return 0
	}
	if task.Error != nil {
		printDetails("task_error", seedance.DetailsFromStatus(task.Error))
	}
	return 1
}

// meter draws a download's progress line on a terminal: bytes of total,
// percent, rate; at most ten times a second.
type meter struct {
	live  bool
	start time.Time // of the first bytes (not of a wait for a pending copy)
	drawn time.Time
	shown bool // a line is drawn and not ended
}

// download is the meter of the download under way.
var download meter

func (m *meter) begin() {
	stat, err := os.Stdout.Stat()
	*m = meter{live: err == nil && stat.Mode()&os.ModeCharDevice != 0}
}

func (m *meter) progress(received, total int64) {
	now := time.Now()
	if !m.live || (received != total && now.Sub(m.drawn) < 100*time.Millisecond) {
		return
	}
	if m.start.IsZero() {
		m.start = now
	}
	m.drawn = now
	mib := func(n int64) float64 { return float64(n) / (1 << 20) }
	line := fmt.Sprintf("\r  downloading %.1f", mib(received))
	if total > 0 {
		line += fmt.Sprintf(" of %.1f MiB (%d%%)", mib(total), received*100/total)
	} else {
		line += " MiB"
	}
	if seconds := now.Sub(m.start).Seconds(); seconds > 0 {
		line += fmt.Sprintf("  %.1f MiB/s", mib(received)/seconds)
	}
	fmt.Print(line + "   ")
	m.shown = true
}

// end ends the progress line, if one is drawn.
func (m *meter) end() {
	if m.shown {
		fmt.Println()
		m.shown = false
	}
}

// save writes a succeeded task's video to --output: the gateway's copy, or
// the provider's video_url when the gateway keeps none.
func save(ctx context.Context, client *seedance.Client, task *pb.VideoTask) int {
	download.begin()
	saved, err := client.DownloadContent(ctx, task.TaskId, pb.ResultFile_RESULT_FILE_VIDEO, *output, download.progress)
	download.end()
	source := "gateway"
	if err != nil && seedance.Details(err).Reason == seedance.ReasonContentNotAvailable {
		fmt.Printf("fallback reason=%s source=video_url\n", seedance.ReasonContentNotAvailable)
		download.begin()
		saved, err = seedance.Download(ctx, task.GetResult().GetVideoUrl(), *output, download.progress)
		download.end()
		source = "video_url"
	}
	if err != nil {
		return fail(err)
	}
	fmt.Printf("saved path=%s bytes=%d sha256=%s content_type=%s source=%s\n",
		saved.Path, saved.Size, saved.SHA256, saved.ContentType, source)
	return 0
}

// checkWritable makes sure --output can be written before a task is made
// for it: a file of its own beside it, removed.
func checkWritable(path string) error {
	probe, err := os.CreateTemp(filepath.Dir(path), ".seedance-probe-*")
	if err != nil {
		return err
	}
	probe.Close()
	return os.Remove(probe.Name())
}

func spec() *pb.VideoSpec {
	s := &pb.VideoSpec{Model: *model, Prompt: *prompt}
	if *duration != 0 {
		d := int32(*duration)
		s.DurationSeconds = &d
	}
	return s
}

func run(ctx context.Context, client *seedance.Client) int {
	switch *mode {
	case "create":
		task, err := client.Create(ctx, &pb.CreateVideoTaskRequest{Spec: spec()})
		if err != nil {
			return fail(err)
		}
		fmt.Printf("created task=%s state=%s seq=%d\n", task.TaskId, stateName(task.State), task.Sequence)
		return 0
	case "watch":
		var from *uint64
		if *after >= 0 {
			n := uint64(*after)
			from = &n
		}
		task, err := client.Watch(ctx, *taskID, from, printEvent)
		if err != nil {
			return fail(err)
		}
		code := finish(task)
		if code == 0 && *output != "" {
			code = save(ctx, client, task)
		}
		return code
	case "cancel":
		task, err := client.Cancel(ctx, *taskID)
		if err != nil {
			return fail(err)
		}
		fmt.Printf("cancelled task=%s state=%s\n", task.TaskId, stateName(task.State))
		if task, err = client.Watch(ctx, *taskID, nil, printEvent); err != nil {
			return fail(err)
		}
		finish(task)
		return 0
	case "demo":
		task, err := client.Create(ctx, &pb.CreateVideoTaskRequest{Spec: spec()})
		if err != nil {
			return fail(err)
		}
		fmt.Printf("created task=%s state=%s seq=%d\n", task.TaskId, stateName(task.State), task.Sequence)
		// after_sequence 0: the whole history, from the state it was created in.
		zero := uint64(0)
		if task, err = client.Watch(ctx, task.TaskId, &zero, printEvent); err != nil {
			return fail(err)
		}
		code := finish(task)
		if code == 0 && *output != "" {
			code = save(ctx, client, task)
		}
		// A failed call, decoded: duration_seconds out of range. validate_only
		// makes sure nothing is created even if it were valid.
		bad := spec()
		thirty := int32(30)
		bad.DurationSeconds = &thirty
		_, err = client.Create(ctx, &pb.CreateVideoTaskRequest{Spec: bad, ValidateOnly: true})
		fmt.Println("demo: a request with duration_seconds=30 fails with")
		if err != nil {
			printDetails("error", seedance.Details(err))
		}
		return code
	}
	fmt.Fprintf(os.Stderr, "unknown --mode %q\n", *mode)
	return 2
}

func main() {
	flag.Parse()
	if *token == "" {
		fmt.Fprintln(os.Stderr, "no token: pass --token or set $SEEDANCE_TOKEN")
		os.Exit(4)
	}
	if (*mode == "watch" || *mode == "cancel") && *taskID == "" {
		fmt.Fprintf(os.Stderr, "--mode=%s needs --task-id\n", *mode)
		os.Exit(2)
	}
	if *output != "" {
		if *mode != "demo" && *mode != "watch" {
			fmt.Fprintf(os.Stderr, "--output goes with --mode=demo or watch, not %s\n", *mode)
			os.Exit(2)
		}
		if err := checkWritable(*output); err != nil {
			fmt.Fprintf(os.Stderr, "--output %s: cannot write there: %v\n", *output, err)
			os.Exit(2)
		}
	}
	conn, err := seedance.Dial(*gateway)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	defer conn.Close()
	client := seedance.New(conn, *token, &seedance.Options{
		OnReconnect: func(afterSequence uint64, err error) {
			fmt.Printf("resumed after_sequence=%d code=%s\n", afterSequence,
				seedance.CodeName(seedance.Details(err).Code))
		},
		OnContentRetry: func(offset int64, wait time.Duration, err error) {
			download.end()
			d := seedance.Details(err)
			line := fmt.Sprintf("download_retry offset=%d code=%s", offset, seedance.CodeName(d.Code))
			if d.Reason != "" {
				line += " reason=" + d.Reason
			}
			fmt.Printf("%s wait_ms=%d\n", line, wait.Milliseconds())
		},
	})
	code := run(context.Background(), client)
	conn.Close()
	os.Exit(code)
}
