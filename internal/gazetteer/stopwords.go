package gazetteer

import "strings"

// neverPlace lists folded words that are never a place on their own, however
// they are capitalised: English and German function words and the common
// capitalised words of the showroom's sentences. Some are real towns
// somewhere (Government is not, but Police, Young, Green, Digital or Europe
// are close to one); "City of X" phrasing still resolves them.
var neverPlace = setOf(`
a an the this that these those there here it its our your their his her my we you they he she
i me us them who what which when where why how all any each every some many most more
and or but nor so yet for of in on at by to from with without into onto over under about
after before during since until up down out off through across between among against
as if not no yes one two three four five six seven ten new old big small good best great
is are was were be been has have had do does did can will may must shall
der die das den dem des ein eine einer und oder für mit von zu im am an auf aus bei nach
über unter vor durch gegen ohne um wir sie es ist sind
le la les un une des du de et pour avec sur dans el los las y por con del en al
government governments council city cities town towns village municipality municipalities
region regions county district state states nation national federal local regional
ministry minister mayor parliament police police democracy democratic politics political
europe european eu union commission world global international
digital green young youth social public open smart future climate health care
school schools education university project programme program platform initiative network
citizens citizen people community communities volunteers volunteer women men children
covid corona coronavirus pandemic crisis lockdown support help together solidarity
award awards winner winners finalist finalists category project projects
street house home centre center park square market hall bridge station
north south east west northern southern eastern western central upper lower
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday
same mobile
lab labs hub app day week year years time life plan strategy
`)

// weakPlace lists folded words that are real places but also ordinary words
// or names; they resolve only with phrasing ("City of Nice") or a matching
// country in the text or hints.
var weakPlace = setOf(`
chad jordan niger guinea turkey georgia jersey
march ely rye ash wick hull street deal split nice mobile bath reading
sale hope wells bury mold
`)

// connectors may stand inside a multi-word place name in lower case
// (Frankfurt am Main, Newcastle upon Tyne, Sant Julià de Lòria).
var connectors = setOf(`
am an der im upon on under de del della di la le les sur en y i e und and nad pod na
`)

// settlementNouns in an apposition mark the name before it as a settlement
// ("Ungersheim – a municipality in transition").
var settlementNouns = setOf(`city town village municipality commune borough township`)

// verbFollowers after a title word mark it as a verb ("Brake the Curve").
var verbFollowers = setOf(`the a an your our my their it up this`)

func setOf(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}
