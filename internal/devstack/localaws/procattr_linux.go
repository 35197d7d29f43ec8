package localaws

import "syscall"

// ProcessGroup puts a server in its own process group (Stop kills the group: no orphan java or node) and asks
// the kernel to kill it if we die without calling Stop (a test binary killed on timeout, a kill -9).
func ProcessGroup() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
