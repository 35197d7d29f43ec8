//go:build !linux

package localaws

import "syscall"

func processGroup() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
