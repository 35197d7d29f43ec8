package words

// Routing is the words of an assignment's reason, which sales read in the SQL email: why this rep (package
// routing), and why the SQL came to them after another rep's breach (package deadlines).
type Routing struct {
	// Team is the team's label; Load the rep's count before and weight, when the team has several reps.
	Team, Load string
	// Away and Capacity name a rep passed over (Capacity with their open SQLs); Skipped introduces them.
	Away, Capacity, Skipped string
	// Owner is the reason of an SQL kept by the rep who owns the lead; Fallback that of the fallback rep.
	Owner, Fallback string
	// Reassigned is the reason of an SQL reassigned after a breach: whose, then the new rep's own reason.
	Reassigned string
	// ReassignedBounced is the reason of an SQL reassigned because its email to a rep bounced (sales.on_bounce):
	// whose, then the new rep's own reason.
	ReassignedBounced string
	// FromPostalCode and FromCountry say the lead's region was derived (the lead gave none): from which postal
	// code or country, and the region's name; Then separates that from the rest of the reason.
	FromPostalCode, FromCountry, Then string
	// Covering is a team's round-robin among the reps whose territory covers the lead's place (team, place);
	// Covers says the only such rep covers it (rep, place). NotCovered: the team has reps with territories but
	// none covers the place; NoneFree: the reps who cover it are all passed over (see Skipped).
	Covering, Covers, NotCovered, NoneFree string
}

var routingFR = Routing{
	Team: "%s, à tour de rôle", Load: " (%d attribués avant, poids %d)",
	Away: "%s absent", Capacity: "%s au complet (%d en cours)", Skipped: " ; écartés : ",
	Owner: "déjà attribué à %s", Fallback: "repli : aucune équipe n'avait de commercial disponible",
	Reassigned:        "réattribué après le dépassement du délai de %s : %s",
	ReassignedBounced: "réattribué car l'e-mail SQL à %s n'a pas été remis : %s",
	FromPostalCode:    "région déduite du code postal %s : %s", FromCountry: "région déduite du pays : %s", Then: " ; ",
	Covering: "%s, à tour de rôle parmi les commerciaux qui couvrent %s", Covers: "%s, %s couvre %s",
	NotCovered: " ; aucun commercial de l'équipe ne couvre %s", NoneFree: " ; aucun commercial disponible ne couvre %s",
}

var routingEN = Routing{
	Team: "%s, round-robin", Load: " (%d assigned before, weight %d)",
	Away: "%s out of office", Capacity: "%s at capacity (%d open)", Skipped: "; skipped ",
	Owner: "already owned by %s", Fallback: "fallback: no team had a rep available",
	Reassigned:        "reassigned after %s missed the deadline: %s",
	ReassignedBounced: "reassigned because the SQL email to %s bounced: %s",
	FromPostalCode:    "region derived from postal code %s: %s", FromCountry: "region derived from the country: %s", Then: "; ",
	Covering: "%s, round-robin among the reps covering %s", Covers: "%s, %s covers %s",
	NotCovered: "; nobody in the team covers %s", NoneFree: "; nobody available covers %s",
}
