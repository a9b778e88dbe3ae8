package seedance

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"mime"
	"net/http"
	"os"
	"time"

	pb "github.com/seedance-gateway/seedance-gateway/clients/go/seedancev1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// ProgressFunc is told the bytes received so far and the total (-1 when the
// server did not announce it).
type ProgressFunc func(received, total int64)

// Downloaded describes a saved file.
type Downloaded struct {
	Path        string
	Size        int64
	SHA256      string // hex
	ContentType string
}

// DownloadVideo saves a succeeded task's video to path (see Download).
func (c *Client) DownloadVideo(ctx context.Context, task *pb.VideoTask, path string, progress ProgressFunc) (*Downloaded, error) {
	return Download(ctx, task.GetResult().GetVideoUrl(), path, progress)
}

// DownloadContent saves the gateway's own copy of a succeeded task's video
// (file RESULT_FILE_VIDEO or unset) or last frame (RESULT_FILE_LAST_FRAME)
// to path with ReadVideoContent, all or nothing: the bytes go to
// path+".part", renamed to path only once it is whole and its SHA-256 is
// the one the gateway sent (else DATA_LOSS, and the .part file is
// removed). An unwritable path fails before any call, with the file
// system's error. progress, if set, is told the bytes written and the
// file's size.
//
// A broken stream is resumed with offset = the bytes already written, as
// Watch resumes (IsRetryable codes, backoff from Options.ReconnectDelay to
// 10 s, Options.MaxReconnects failures in a row without progress); a
// resumed stream of another file (its size or digest changed) ends it with
// ABORTED. While the gateway is still fetching the file (UNAVAILABLE with
// reason CONTENT_PENDING) it calls again after the RetryInfo delay, with no
// budget: until ctx ends. Options.OnContentRetry is told of each new call.
//
// The gateway's errors come back as they are (decode them with Details):
// NOT_FOUND; FAILED_PRECONDITION with reason TASK_NOT_SUCCEEDED,
// CONTENT_NOT_KEPT, CONTENT_EXPIRED or CONTENT_NOT_AVAILABLE (it keeps no
// copy: Download the task's video_url instead, while that link lasts);
// OUT_OF_RANGE.
func (c *Client) DownloadContent(ctx context.Context, taskID string, file pb.ResultFile, path string, progress ProgressFunc) (*Downloaded, error) {
	return saveAs(path, func(out *os.File) (*Downloaded, error) {
		r := &contentReader{out: out, hash: sha256.New(), progress: progress}
		delay := c.opts.ReconnectDelay
		failures := 0
		for {
			before := r.written
			req := &pb.ReadVideoContentRequest{TaskId: taskID, File: file, Offset: r.written}
			err := c.readContent(ctx, req, r)
			if err == nil {
				return r.result()
			}
			var stop callbackError
			if errors.As(err, &stop) {
				return nil, stop.err
			}
			if ctx.Err() != nil || c.closed() {
				return nil, err
			}
			var wait time.Duration
			if d := Details(err); d.Code == codes.Unavailable && d.Reason == ReasonContentPending {
				// Still being fetched: wait as told, for as long as it takes.
				if wait = d.RetryDelay; wait <= 0 {
					wait = time.Second
				}
			} else {
				if !IsRetryable(err) {
					return nil, err
				}
				if r.written > before {
					failures, delay = 0, c.opts.ReconnectDelay // progress: a fresh budget
				}
				if failures++; failures > c.opts.MaxReconnects {
					return nil, err
				}
				wait = delay
				if delay *= 2; delay > 10*time.Second {
					delay = 10 * time.Second
				}
			}
			if c.opts.OnContentRetry != nil {
				c.opts.OnContentRetry(r.written, wait, err)
			}
			select {
			case <-ctx.Done():
				return nil, err
			case <-time.After(wait):
			}
		}
	})
}

// contentReader writes the ReadVideoContent streams of one download to a
// file, each stream resuming where the last one broke.
type contentReader struct {
	out      io.Writer
	hash     hash.Hash // of every byte written
	written  int64
	header   *pb.ContentHeader // the first stream's
	progress ProgressFunc
}

// readContent reads one stream into r. nil means it ended with OK; r's own
// errors (the file's, a stream that does not fit) are callbackErrors.
func (c *Client) readContent(ctx context.Context, req *pb.ReadVideoContentRequest, r *contentReader) error {
	ctx, cancel := context.WithCancel(c.withAuth(ctx))
	defer cancel() // ends the stream if r stops early
	stream, err := c.stub.ReadVideoContent(ctx, req)
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
		if err := r.add(m); err != nil {
			return callbackError{err}
		}
	}
}

func (r *contentReader) add(m *pb.ReadVideoContentResponse) error {
	if h := m.GetHeader(); h != nil {
		if r.header == nil {
			r.header = h
		} else if h.Sha256 != r.header.Sha256 || h.TotalSize != r.header.TotalSize {
			return status.Errorf(codes.Aborted,
				"the gateway's copy changed during the download: %d bytes, SHA-256 %s; it was %d bytes, %s",
				h.TotalSize, h.Sha256, r.header.TotalSize, r.header.Sha256)
		}
		r.report()
		return nil
	}
	chunk := m.GetChunk()
	switch {
	case chunk == nil:
		return nil // a part this client does not know
	case r.header == nil:
		return status.Error(codes.Internal, "the gateway sent bytes before the header")
	case chunk.Offset != r.written:
		return status.Errorf(codes.DataLoss, "the gateway sent bytes from %d, expected %d", chunk.Offset, r.written)
	case r.written+int64(len(chunk.Data)) > r.header.TotalSize:
		return status.Errorf(codes.DataLoss, "the gateway sent more than the %d bytes of the file", r.header.TotalSize)
	}
	if _, err := r.out.Write(chunk.Data); err != nil {
		return err // the file's error, as it is
	}
	r.hash.Write(chunk.Data)
	r.written += int64(len(chunk.Data))
	r.report()
	return nil
}

func (r *contentReader) report() {
	if r.progress != nil {
		r.progress(r.written, r.header.TotalSize)
	}
}

// result checks the whole file against the header.
func (r *contentReader) result() (*Downloaded, error) {
	if r.header == nil {
		return nil, status.Error(codes.Internal, "the gateway's stream ended without a header")
	}
	if r.written != r.header.TotalSize {
		return nil, status.Errorf(codes.DataLoss, "the gateway's stream ended after %d of %d bytes",
			r.written, r.header.TotalSize)
	}
	sum := hex.EncodeToString(r.hash.Sum(nil))
	if sum != r.header.Sha256 {
		return nil, status.Errorf(codes.DataLoss, "the file's SHA-256 is %s, the gateway's copy has %s",
			sum, r.header.Sha256)
	}
	return &Downloaded{Size: r.written, SHA256: sum, ContentType: r.header.ContentType}, nil
}

// Download saves url to path, all or nothing: the bytes go to path+".part",
// renamed into place once complete. An unwritable path fails before
// anything is fetched, with the file system's error; a failed link (the
// HTTP status is in the message: the provider's links expire about a day
// after the task ended) or a cut body is a status error UNAVAILABLE. The
// bytes come from the provider's video_url: prefer DownloadContent, the
// gateway's own checked copy, and use this when it answers
// CONTENT_NOT_AVAILABLE.
func Download(ctx context.Context, url, path string, progress ProgressFunc) (*Downloaded, error) {
	if url == "" {
		return nil, status.Error(codes.FailedPrecondition, "the task has no video URL (did it succeed?)")
	}
	return saveAs(path, func(out *os.File) (*Downloaded, error) { return fetch(ctx, url, out, progress) })
}

// saveAs runs write on path+".part" and renames it to path once write
// succeeded; on any error the .part file is removed. An unwritable path
// fails before write runs, with the file system's error.
func saveAs(path string, write func(out *os.File) (*Downloaded, error)) (*Downloaded, error) {
	partial := path + ".part"
	out, err := os.Create(partial)
	if err != nil {
		return nil, err
	}
	result, err := write(out)
	if err == nil {
		err = out.Sync()
	}
	if closeErr := out.Close(); err == nil && closeErr != nil {
		err = closeErr
	}
	if err == nil {
		err = os.Rename(partial, path)
	}
	if err != nil {
		os.Remove(partial)
		return nil, err
	}
	result.Path = path
	return result, nil
}

func fetch(ctx context.Context, url string, out io.Writer, progress ProgressFunc) (*Downloaded, error) {
	request, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "bad video URL: %v", err)
	}
	response, err := http.DefaultClient.Do(request)
	if err != nil {
		return nil, status.Errorf(codes.Unavailable, "cannot download %s: %v", url, err)
	}
	defer response.Body.Close()
	if response.StatusCode != http.StatusOK {
		return nil, status.Errorf(codes.Unavailable,
			"the video URL answered HTTP %d (the provider's links expire)", response.StatusCode)
	}
	total := response.ContentLength
	contentType, _, _ := mime.ParseMediaType(response.Header.Get("Content-Type"))
	hash := sha256.New()
	var received int64
	if progress != nil {
		progress(0, total)
	}
	buffer := make([]byte, 64<<10)
	for {
		n, readErr := response.Body.Read(buffer)
		if n > 0 {
			if _, err := out.Write(buffer[:n]); err != nil {
				return nil, err // the file's error, as it is
			}
			hash.Write(buffer[:n])
			received += int64(n)
			if progress != nil {
				progress(received, total)
			}
		}
		if readErr == io.EOF {
			break
		}
		if readErr != nil {
			return nil, status.Errorf(codes.Unavailable, "cannot download %s: %v", url, readErr)
		}
	}
	if total >= 0 && received != total {
		return nil, status.Error(codes.Unavailable,
			fmt.Sprintf("the download of %s ended after %d of %d bytes", url, received, total))
	}
	return &Downloaded{Size: received, SHA256: hex.EncodeToString(hash.Sum(nil)), ContentType: contentType}, nil
}
