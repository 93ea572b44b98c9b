//go:build !linux

package oidcserver

import "os/exec"

func setProcAttr(*exec.Cmd) {}
