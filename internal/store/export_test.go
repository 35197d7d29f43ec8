package store

// What the store's tests compare with template.yaml: the attributes a role is allowed, or an index projects,
// are those the store reads.
var (
	NameAndCompanyAttributes = nameAndCompany
	// MonthAttributes are the attributes Months reads, of every kind of record.
	MonthAttributes = [][]string{createdAttributes, transitionAttributes, handoffAttributes, holdAttributes, eventAttributes}
)

// AlertAttributes are the attributes Months reads of a hand-off by key (its SQL email's state).
var AlertAttributes = alertAttributes
