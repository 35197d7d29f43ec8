package secrets

import (
	"fmt"
	"os"
	"strings"
)

// ReadSeedFile reads a file of demo secrets, one "<reference>=<value>" a line (blank lines and # comments
// skipped), the reference written as the contract writes it (ssm:/handoff/{stage}/sources/crm,
// secretsmanager:handoff/{stage}/…): infra/local/secrets.seed, which the local stack and the tests write into
// moto's SSM and Secrets Manager, and which `handoff send` signs with. Every malformed line is named.
func ReadSeedFile(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	out := map[string]string{}
	var problems []string
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		ref, v, ok := strings.Cut(line, "=")
		ref, v = strings.TrimSpace(ref), strings.TrimSpace(v)
		switch {
		case !ok || v == "":
			problems = append(problems, fmt.Sprintf("%s:%d: want <reference>=<value>", path, i+1))
		case !strings.HasPrefix(ref, "ssm:/") && !strings.HasPrefix(ref, "secretsmanager:"):
			problems = append(problems, fmt.Sprintf("%s:%d: %q is not an ssm:/ or secretsmanager: reference", path, i+1, ref))
		case out[ref] != "":
			problems = append(problems, fmt.Sprintf("%s:%d: %s given twice", path, i+1, ref))
		default:
			out[ref] = v
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return out, nil
}
