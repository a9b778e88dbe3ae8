package seedancev1

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The committed code is what proto/ generates today.
func TestTheCommittedCodeIsUpToDate(t *testing.T) {
	if _, err := exec.LookPath("protoc"); err != nil {
		t.Skip("needs protoc")
	}
	if _, err := os.Stat("../../../proto/seedance/v1/video_task.proto"); err != nil {
		t.Skip("needs the repository's proto/")
	}
	out := t.TempDir()
	if output, err := exec.Command("../generate.sh", out).CombinedOutput(); err != nil {
		t.Fatalf("generate.sh: %v\n%s", err, output)
	}
	files, _ := filepath.Glob(filepath.Join(out, "seedancev1", "*.go"))
	if len(files) != 3 {
		t.Fatalf("generated %v", files)
	}
	for _, generated := range files {
		name := filepath.Base(generated)
		want, _ := os.ReadFile(generated)
		got, err := os.ReadFile(name)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s differs from what proto/ generates: run clients/go/generate.sh", name)
		}
	}
}
