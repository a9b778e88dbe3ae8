package seedance

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"

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

// Download saves url to path, all or nothing: the bytes go to path+".part",
// renamed into place once complete. An unwritable path fails before
// anything is fetched, with the file system's error; a failed link (the
// HTTP status is in the message: the provider's links expire about a day
// after the task ended) or a cut body is a status error UNAVAILABLE. Today
// the bytes come from the provider's video_url; once the gateway keeps
// results itself, this goes through the gateway instead.
func Download(ctx context.Context, url, path string, progress ProgressFunc) (*Downloaded, error) {
	if url == "" {
		return nil, status.Error(codes.FailedPrecondition, "the task has no video URL (did it succeed?)")
	}
	partial := path + ".part"
	out, err := os.Create(partial)
	if err != nil {
		return nil, err
	}
	result, err := fetch(ctx, url, out, progress)
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
