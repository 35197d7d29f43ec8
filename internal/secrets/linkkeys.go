package secrets

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/handoff-sla/handoff/internal/signed"
)

// LinkKeyName is the link key secret's name in cold-start errors (the contract's notify.link_secret).
const LinkKeyName = "feedback-links"

// LinkKeys resolves the link key secret (ref, the contract's notify.link_secret) and reads its keys: one, or two
// during a rotation, the signing key first (signed.ParseKeys). A secret holding a short key or more than two
// refuses the cold start, naming the secret and the line, never a value.
func LinkKeys(ctx context.Context, cfg aws.Config, ref string) (signed.Keys, error) {
	v, err := FromAWS(ctx, cfg, map[string]string{LinkKeyName: ref})
	if err != nil {
		return nil, err
	}
	return ParseLinkKeys(ref, v[LinkKeyName])
}

// ParseLinkKeys is LinkKeys' second half, for a value already resolved.
func ParseLinkKeys(ref, value string) (signed.Keys, error) {
	keys, err := signed.ParseKeys(value)
	if err != nil {
		return nil, fmt.Errorf("secrets: %s (%s): %w", LinkKeyName, ref, err)
	}
	return keys, nil
}
