/// Vocabulary for the synthetic corpus.
enum Words {
    static func pick(_ rng: inout SplitMix64) -> String {
        // Skewed toward the front of the list, roughly like real word frequencies.
        let u = rng.unit()
        return vocabulary[Int(Double(vocabulary.count) * u * u * u)]
    }

    static let firstNames = [
        "Aylin", "Javid", "Leyla", "Murad", "Nigar", "Orkhan", "Sevda", "Tural", "Anna", "Pavel", "Eva", "Tomas",
        "Maria", "Jonas", "Elif", "Emre", "Sofia", "Luca", "Hana", "Kenji", "Amara", "David", "Chloé", "Mateo",
    ]
    static let lastNames = [
        "Aliyeva", "Hasanov", "Karimova", "Mammadov", "Novak", "Horvat", "Kowalski", "Yilmaz", "Demir", "Rossi",
        "Müller", "Dubois", "Silva", "Tanaka", "Okafor", "Nielsen", "Costa", "Ivanova", "Schmidt", "García",
    ]
    static let tags = [
        "Azerbaijan", "Armenia", "Georgia", "Türkiye", "Russia", "Iran", "Central Asia", "European Union",
        "United States", "China", "Karabakh", "South Caucasus", "Black Sea", "Caspian Sea", "Diplomacy", "Security",
        "Energy", "Economy", "Trade", "Transportation", "Elections", "Human Rights", "Climate", "Migration",
        "Technology", "Defence", "Peace Process", "Sanctions", "Oil and Gas", "Renewables", "Infrastructure",
        "Media", "Education", "Health", "Agriculture", "Finance", "Culture", "History", "Law", "Opinion",
    ]
    static let vocabulary: [String] = """
        the of and to in a is that for on with as by at from this be are was it an which not have has were but \
        their its will been also more can other about after these new between two countries first states region \
        international government minister foreign policy president national security cooperation agreement peace \
        relations development economic energy trade political process support parties countries meeting talks \
        negotiations border transport corridor gas oil pipeline market investment growth strategic partnership \
        sovereignty integrity territorial community organization council union european ministry statement year \
        years months week during since while however although because therefore moreover further important \
        significant major key main new recent current future regional global local public private social \
        cultural historical military humanitarian legal diplomatic parliamentary presidential election elections \
        elected voting referendum campaign candidates results observers mission report analysis research center \
        experts scholars view perspective approach framework initiative project program plan strategy vision \
        goals objectives interests priorities challenges opportunities risks threats conflict war ceasefire \
        settlement normalization reconciliation dialogue consultations summit conference forum visit delegation \
        leaders officials representatives spokesperson ambassador embassy capital city town district province \
        mountain river sea coast valley railway road highway port airport bridge infrastructure construction \
        reconstruction restoration return refugees displaced people population citizens residents society \
        youth women education health science technology digital innovation industry agriculture tourism \
        finance bank budget revenue exports imports tariffs customs logistics supply chain demand prices \
        inflation currency reserves debt loans grants aid assistance donors institutions reform governance \
        transparency accountability rule law rights freedom media press journalists information communication \
        network platform online social statements declaration resolution sanctions measures steps actions \
        decisions commitments obligations principles norms standards values identity heritage language \
        religion tolerance multiculturalism diversity unity solidarity friendship alliance bloc neighbors \
        neighbourhood caucasus caspian black central asia europe middle east north south west east \
        azerbaijan armenia georgia türkiye turkey russia iran kazakhstan uzbekistan turkmenistan ukraine \
        hungary slovakia italy france germany china india pakistan baku yerevan tbilisi ankara moscow tehran \
        astana tashkent brussels washington london paris berlin rome beijing karabakh nakhchivan zangezur \
        lachin shusha khankendi ganja sumgait aghdam fuzuli kalbajar gubadli zangilan jabrayil tovuz \
        renewable solar wind hydrogen electricity grid interconnector cable generation capacity megawatts \
        transit route routes shipments cargo containers freight volumes tons barrels cubic meters billion \
        million percent share increase decrease rise fall stable steady rapid slow gradual long short term \
        medium stage phase level scale scope range area field sector domain sphere context environment climate \
        change adaptation mitigation emissions carbon green transition sustainable resilient efficient \
        reliable secure safe open inclusive comprehensive balanced mutual common shared joint bilateral \
        multilateral trilateral regional continental global universal historic landmark milestone turning \
        point new era chapter page opened signed ratified approved adopted announced launched implemented \
        completed expected planned proposed agreed discussed considered noted stressed emphasized underlined \
        highlighted welcomed praised criticized condemned rejected recognized acknowledged confirmed declared
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
}
