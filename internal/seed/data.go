package seed

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/mycourier/mycourier/internal/phone"
	"github.com/mycourier/mycourier/internal/pinfl"
)

// regionSpec is a region with the stable code seeds key it by, the number on
// its car plates, and its share of couriers (Tashkent dominates, as it does
// the delivery market).
type regionSpec struct {
	code, name, plate string
	weight            int
}

var regions = []regionSpec{
	{"TAS", "г. Ташкент", "01", 40},
	{"TAR", "Ташкентская область", "10", 10},
	{"SAM", "Самаркандская область", "30", 9},
	{"FER", "Ферганская область", "40", 7},
	{"AND", "Андижанская область", "60", 6},
	{"NAM", "Наманганская область", "50", 6},
	{"BUK", "Бухарская область", "80", 5},
	{"KAS", "Кашкадарьинская область", "70", 5},
	{"KHO", "Хорезмская область", "90", 4},
	{"SUR", "Сурхандарьинская область", "75", 3},
	{"NAV", "Навоийская область", "85", 2},
	{"JIZ", "Джизакская область", "25", 1},
	{"SYR", "Сырдарьинская область", "20", 1},
	{"KAR", "Республика Каракалпакстан", "95", 1},
}

type branchSpec struct{ region, code, name, address string }

var branches = []branchSpec{
	{"TAS", "TAS-CHL", "Ташкент — Чиланзар", "г. Ташкент, Чиланзарский р-н, ул. Бунёдкор, 12"},
	{"TAS", "TAS-YUN", "Ташкент — Юнусабад", "г. Ташкент, Юнусабадский р-н, ул. Амира Темура, 107"},
	{"TAS", "TAS-MUL", "Ташкент — Мирзо-Улугбек", "г. Ташкент, Мирзо-Улугбекский р-н, ул. Буюк Ипак Йули, 45"},
	{"TAS", "TAS-SRG", "Ташкент — Сергели", "г. Ташкент, Сергелийский р-н, ул. Янги Сергели, 3"},
	{"TAR", "TAR-CHR", "Чирчик", "Ташкентская обл., г. Чирчик, ул. Амира Темура, 21"},
	{"SAM", "SAM-CEN", "Самарканд", "г. Самарканд, ул. Регистан, 8"},
	{"FER", "FER-CEN", "Фергана", "г. Фергана, ул. Аль-Фергани, 19"},
	{"FER", "FER-KOK", "Коканд", "г. Коканд, ул. Туркистон, 5"},
	{"AND", "AND-CEN", "Андижан", "г. Андижан, ул. Навои, 33"},
	{"NAM", "NAM-CEN", "Наманган", "г. Наманган, ул. Уйчи, 14"},
	{"BUK", "BUK-CEN", "Бухара", "г. Бухара, ул. Мустакиллик, 2"},
	{"KAS", "KAS-KAR", "Карши", "г. Карши, ул. Насафи, 40"},
	{"KHO", "KHO-URG", "Ургенч", "г. Ургенч, ул. Аль-Хорезми, 11"},
	{"SUR", "SUR-TER", "Термез", "г. Термез, ул. Ат-Термизи, 6"},
	{"NAV", "NAV-CEN", "Навои", "г. Навои, ул. Галаба, 27"},
	{"JIZ", "JIZ-CEN", "Джизак", "г. Джизак, ул. Шарафа Рашидова, 9"},
	{"SYR", "SYR-GUL", "Гулистан", "г. Гулистан, ул. Узбекистон, 18"},
	{"KAR", "KAR-NUK", "Нукус", "г. Нукус, ул. Бердаха, 30"},
}

type partnerSpec struct{ name, legal, inn, contact, phone string }

var partners = []partnerSpec{
	{"Tezkor Logistics", "ООО «Tezkor Logistics»", "305112233", "Рустам Алиев", "+998901110011"},
	{"Yo'lchi Express", "ООО «Yo'lchi Express»", "306223344", "Дилшод Каримов", "+998935550022"},
	{"Shahar Delivery", "ООО «Shahar Delivery»", "307334455", "Анна Ким", "+998977770033"},
	{"Samarqand Kuryer", "ЧП «Samarqand Kuryer»", "308445566", "Фаррух Юсупов", "+998915550044"},
}

// demoPartnerWeights: a dominant fleet and a tail, as in the real market.
var demoPartnerWeights = []int{45, 30, 15, 10}

type equipmentSpec struct {
	sku, name, category, size string
	cost                      int64
	lifeMonths                int
}

var equipment = []equipmentSpec{
	{"BAG-THERMO-40", "Термосумка 40 л", "bag", "", 350_000, 12},
	{"JKT-S", "Куртка курьера, S", "uniform", "S", 280_000, 24},
	{"JKT-M", "Куртка курьера, M", "uniform", "M", 280_000, 24},
	{"JKT-L", "Куртка курьера, L", "uniform", "L", 280_000, 24},
	{"JKT-XL", "Куртка курьера, XL", "uniform", "XL", 295_000, 24},
	{"HLM-STD", "Шлем защитный", "helmet", "", 220_000, 36},
	{"PWB-10K", "Пауэрбанк 10 000 мА·ч", "power_bank", "", 180_000, 24},
	{"PHH-BIKE", "Держатель телефона на руль", "phone_holder", "", 60_000, 12},
}

// Names. Cyrillic surnames take the feminine ending -а; the Korean and
// Russian diaspora names at the end of the list stay as they are.
var (
	lastNamesCyr = []string{
		"Каримов", "Алиев", "Рахимов", "Юсупов", "Исмоилов", "Турсунов", "Абдуллаев", "Хасанов",
		"Мирзаев", "Султанов", "Назаров", "Юлдашев", "Тошматов", "Норматов", "Эргашев", "Усмонов",
		"Саидов", "Жураев", "Рашидов", "Кадыров", "Иванов", "Смирнов", "Петров",
	}
	invariantLastNamesCyr = []string{"Ким", "Пак", "Цой", "Ли"}
	maleFirstCyr          = []string{
		"Алишер", "Бекзод", "Жасур", "Дилшод", "Санжар", "Шерзод", "Улугбек", "Азиз", "Фаррух",
		"Отабек", "Тимур", "Рустам", "Сардор", "Нодир", "Ислом", "Дмитрий", "Алексей", "Сергей",
	}
	femaleFirstCyr = []string{
		"Дилноза", "Гулноза", "Мадина", "Шахло", "Нилуфар", "Малика", "Зарина", "Севара", "Камола",
		"Ольга", "Анна", "Екатерина",
	}
	fathersCyr   = []string{"Алишер", "Бахтияр", "Рустам", "Фарход", "Шухрат", "Ильхом", "Равшан", "Анвар", "Тимур", "Баходир"}
	lastNamesLat = []string{
		"Karimov", "Aliyev", "Rahimov", "Yusupov", "Ismoilov", "Tursunov", "Abdullayev", "Xasanov",
		"Mirzayev", "Sultonov", "Nazarov", "Yo'ldoshev", "Ergashev", "Usmonov",
	}
	maleFirstLat   = []string{"Alisher", "Bekzod", "Jasur", "Dilshod", "Sanjar", "Sherzod", "Ulug'bek", "Aziz", "Otabek", "Sardor"}
	femaleFirstLat = []string{"Dilnoza", "Gulnoza", "Madina", "Shahlo", "Nilufar", "Malika", "Sevara", "Kamola"}
	fathersLat     = []string{"Alisher", "Baxtiyor", "Rustam", "Farxod", "Shuhrat", "Ilhom", "Ravshan", "Anvar"}
)

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// weighted returns an index drawn with the given weights.
func weighted(r *rand.Rand, w []int) int {
	total := 0
	for _, x := range w {
		total += x
	}
	n := r.IntN(total)
	for i, x := range w {
		if n < x {
			return i
		}
		n -= x
	}
	return len(w) - 1
}

type person struct {
	last, first, middle string
	gender              pinfl.Gender
	birth               time.Time
}

// newPerson draws a name in the mix the office sees: mostly Cyrillic
// (Russian-style patronymic), some Uzbek Latin (o'g'li / qizi).
func newPerson(r *rand.Rand) person {
	p := person{gender: pinfl.Male}
	if r.IntN(100) < 18 {
		p.gender = pinfl.Female
	}
	female := p.gender == pinfl.Female
	if r.IntN(100) < 15 {
		p.last = pick(r, lastNamesLat)
		father := pick(r, fathersLat)
		if female {
			p.last += "a"
			p.first = pick(r, femaleFirstLat)
			p.middle = father + " qizi"
		} else {
			p.first = pick(r, maleFirstLat)
			p.middle = father + " o'g'li"
		}
	} else {
		if r.IntN(100) < 8 {
			p.last = pick(r, invariantLastNamesCyr)
		} else {
			p.last = pick(r, lastNamesCyr)
			if female {
				p.last += "а"
			}
		}
		father := pick(r, fathersCyr)
		if female {
			p.first = pick(r, femaleFirstCyr)
			p.middle = father + "овна"
		} else {
			p.first = pick(r, maleFirstCyr)
			p.middle = father + "ович"
		}
	}
	if r.IntN(100) < 5 {
		p.middle = "" // not everyone's documents carry one
	}
	p.birth = birthFrom.AddDate(0, 0, r.IntN(birthSpanDays))
	return p
}

var (
	birthFrom     = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	birthSpanDays = int(time.Date(2006, 12, 31, 0, 0, 0, 0, time.UTC).Sub(birthFrom).Hours() / 24)
)

var (
	transports       = []string{"foot", "bicycle", "scooter", "moto", "car"}
	transportWeights = []int{15, 20, 15, 25, 25}
	plateLetters     = []byte("ABCDEFHKMNOPRSTUXYZ")
)

// vehiclePlate draws the plate of a moto or car courier of the region, in
// the form couriersvc.NormalizePlate stores: a private car "01A123BC", a
// motorcycle "01A1234"; other transport has none.
func vehiclePlate(r *rand.Rand, regionPlate, transport string) string {
	l := func() byte { return plateLetters[r.IntN(len(plateLetters))] }
	switch transport {
	case "car":
		return fmt.Sprintf("%s%c%03d%c%c", regionPlate, l(), 1+r.IntN(999), l(), l())
	case "moto":
		return fmt.Sprintf("%s%c%04d", regionPlate, l(), 1+r.IntN(9999))
	}
	return ""
}

// randomPhone draws a mobile number whose subscriber part starts with 1–8;
// derived (bench) numbers start with 0 or 9, so the two never meet.
func randomPhone(r *rand.Rand) string {
	ops := phone.Operators()
	return fmt.Sprintf("+998%s%d%06d", ops[r.IntN(len(ops))], 1+r.IntN(8), r.IntN(1_000_000))
}
