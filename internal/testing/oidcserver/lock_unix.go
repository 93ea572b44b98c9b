//go:build unix

package oidcserver

import (
	"os"
	"path/filepath"
	"syscall"
)

// lockDir takes an exclusive lock shared by every test binary, so that two
// packages tested in parallel do not run npm ci in the same directory.
func lockDir(dir string) (func(), error) {
	f, err := os.OpenFile(filepath.Join(os.TempDir(), "handshake-oidcserver-npm.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
