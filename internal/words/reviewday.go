package words

import "github.com/handoff-sla/handoff/internal/contract"

// ReviewDay are the words of a review meeting moved off a day without business time (package invite).
type ReviewDay struct {
	// Moved is added to the invitation's description: the day the contract's rule gave (Common.Day with year).
	Moved string
}

// ForReviewDay returns the review-meeting words of a language.
func ForReviewDay(l contract.Locale) *ReviewDay {
	return in(l, "reviewday", &reviewDayFR, &reviewDayEN)
}

var reviewDayFR = ReviewDay{
	Moved: "La règle du contrat tombait le %s, jour férié ou fermé\u00a0: la réunion a lieu le jour ouvré suivant, à la même heure.",
}

var reviewDayEN = ReviewDay{
	Moved: "The contract's rule fell on %s, a holiday or closed day: the meeting is held on the next business day, at the same time.",
}
