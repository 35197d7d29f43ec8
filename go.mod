module github.com/handoff-sla/handoff

go 1.26.8
