package contract

// BounceAction is what a bounced SQL email does (sales.on_bounce): SES reported that the email to the rep never
// reached them (a permanent bounce) or that they marked it as spam (a complaint), so their deadlines would run
// against an email they never had.
type BounceAction string

// Bounce actions.
const (
	// BounceReassign (the default): the SQL goes to the next eligible rep by the routing rules, every rep who
	// held it excluded, with a fresh deadline; when there is nobody else it is held.
	BounceReassign BounceAction = "reassign"
	// BounceHold: the SQL stays with nobody: no deadline runs, marketing ops pass it on by hand.
	BounceHold BounceAction = "hold"
)
