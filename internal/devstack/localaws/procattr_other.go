//go:build !linux

package localaws

import "syscall"

// ProcessGroup puts a process in its own process group, so stopping the group leaves no orphan. macOS has no
// parent-death signal: a stack killed with SIGKILL leaves its children running (Ctrl-C and tests stop them).
func ProcessGroup() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
