package store

// What the store's tests compare with template.yaml: the attributes a role is allowed, or an index projects,
// are those the store reads.
var (
	NameAndCompanyAttributes = nameAndCompany
)
