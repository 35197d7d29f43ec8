package words

import "github.com/handoff-sla/handoff/internal/contract"

// Content is the words of the content marketing shares with sales: the weekly digest (package digest) and the
// SQL email's block of relevant pieces.
type Content struct {
	// Subject is the digest's subject: the company, then the pieces' count (Pieces).
	Subject string
	// Hello greets the rep by name.
	Hello string
	// Intro says what the digest is: the period's first and last days.
	Intro string
	// Pieces counts the pieces shared.
	Pieces Plural
	// Published is "published %s" (a date); Why introduces marketing's line.
	Published, Why string
	// For says who a piece is for (segments, industries), Everyone when it has no audience.
	For, Everyone string
	// Ideas invites the rep to propose an idea or leave field feedback; IdeasButton is its link's label.
	Ideas, IdeasButton string
	// Why explains why the rep received it (their segments).
	Because string
	// SQLTitle titles the SQL email's block of relevant pieces.
	SQLTitle string
	// Types name the content types (content.Type).
	Types ContentTypes
}

// ContentTypes name the content types, one field per content.Type.
type ContentTypes struct {
	Article, CaseStudy, WhitePaper, Webinar, Video, Guide, Event string
}

// Type is the name of content type id ("case_study"), or id itself for a type these words do not know.
func (c *Content) Type(id string) string {
	t := c.Types
	switch id {
	case "article":
		return t.Article
	case "case_study":
		return t.CaseStudy
	case "white_paper":
		return t.WhitePaper
	case "webinar":
		return t.Webinar
	case "video":
		return t.Video
	case "guide":
		return t.Guide
	case "event":
		return t.Event
	}
	return id
}

// ForContent is the content's words in language l (panics on a language that Speaks does not).
func ForContent(l contract.Locale) *Content { return in(l, "content", &contentFR, &contentEN) }

var contentFR = Content{
	Subject:   "%s" + nbsp + ": %s pour vous cette semaine",
	Hello:     "Bonjour %s,",
	Intro:     "Voici les contenus que le marketing a publiés du %s au %s pour vos clients et prospects.",
	Pieces:    Plural{Zero: "aucun contenu", One: "1 contenu", Many: "%d contenus"},
	Published: "publié le %s", Why: "Pourquoi c'est utile" + nbsp + ":",
	For: "Pour" + nbsp + ": %s", Everyone: "Pour tous",
	Ideas:       "Une idée de contenu, un retour du terrain sur les leads reçus" + nbsp + "? Dites-le au marketing" + nbsp + ":",
	IdeasButton: "Proposer une idée ou un retour",
	Because:     "Vous recevez ce courriel parce que ces contenus visent vos segments (%s) ou tous les commerciaux.",
	SQLTitle:    "Contenus utiles pour ce lead",
	Types: ContentTypes{Article: "Article", CaseStudy: "Étude de cas", WhitePaper: "Livre blanc", Webinar: "Webinaire",
		Video: "Vidéo", Guide: "Guide", Event: "Événement"},
}

var contentEN = Content{
	Subject:   "%s: %s for you this week",
	Hello:     "Hello %s,",
	Intro:     "Here is the content marketing published from %s to %s for your customers and prospects.",
	Pieces:    Plural{Zero: "no new content", One: "1 new piece", Many: "%d new pieces"},
	Published: "published %s", Why: "Why it matters:",
	For: "For: %s", Everyone: "For everyone",
	Ideas:       "A content idea, field feedback on the leads you received? Tell marketing:",
	IdeasButton: "Propose an idea or give feedback",
	Because:     "You receive this email because this content targets your segments (%s) or every rep.",
	SQLTitle:    "Useful content for this lead",
	Types: ContentTypes{Article: "Article", CaseStudy: "Case study", WhitePaper: "White paper", Webinar: "Webinar",
		Video: "Video", Guide: "Guide", Event: "Event"},
}
