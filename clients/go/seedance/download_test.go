package seedance

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

var video = append([]byte("\x00\x00\x00\x18ftypmp42"), bytes.Repeat([]byte{7}, 256<<10)...)

func videoServer(t *testing.T) (*httptest.Server, *int32) {
	var requests int32
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		atomic.AddInt32(&requests, 1)
		if r.URL.Path != "/video.mp4" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "video/mp4")
		w.Write(video)
	}))
	t.Cleanup(server.Close)
	return server, &requests
}

func TestTheFileHoldsTheBytesWithTheirDigestAndProgressIsReported(t *testing.T) {
	server, _ := videoServer(t)
	path := filepath.Join(t.TempDir(), "out.mp4")
	var progress [][2]int64
	got, err := Download(context.Background(), server.URL+"/video.mp4", path, func(received, total int64) {
		progress = append(progress, [2]int64{received, total})
	})
	if err != nil {
		t.Fatal(err)
	}
	saved, _ := os.ReadFile(path)
	sum := sha256.Sum256(video)
	if !bytes.Equal(saved, video) || got.Size != int64(len(video)) || got.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("saved %d bytes, result %+v", len(saved), got)
	}
	if got.ContentType != "video/mp4" {
		t.Errorf("content type %q", got.ContentType)
	}
	last := progress[len(progress)-1]
	if progress[0][0] != 0 || last[0] != int64(len(video)) {
		t.Errorf("progress from %v to %v", progress[0], last)
	}
	if _, err := os.Stat(path + ".part"); !os.IsNotExist(err) {
		t.Errorf("the .part file is left: %v", err)
	}
}

func TestAnExpiredLinkIsUnavailableAndLeavesNoFile(t *testing.T) {
	server, _ := videoServer(t)
	dir := t.TempDir()
	_, err := Download(context.Background(), server.URL+"/gone.mp4", filepath.Join(dir, "out.mp4"), nil)
	if status.Code(err) != codes.Unavailable || !strings.Contains(err.Error(), "HTTP 404") {
		t.Fatalf("err %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left %v", entries)
	}
}

func TestAnUnwritablePathFailsBeforeAnythingIsFetched(t *testing.T) {
	server, requests := videoServer(t)
	_, err := Download(context.Background(), server.URL+"/video.mp4", filepath.Join(t.TempDir(), "no-such-dir", "out.mp4"), nil)
	if !os.IsNotExist(err) {
		t.Fatalf("err %v, want the file system's not-exist", err)
	}
	if atomic.LoadInt32(requests) != 0 {
		t.Errorf("fetched anyway")
	}
}
