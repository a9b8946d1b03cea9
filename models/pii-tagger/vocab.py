"""Word lists of the pii-tagger generators (gen_letters.py, gen_records.py), written for them: no
list or template is taken from tests/corpus/generate.py. All values are made up; combinations
are random, so no record describes a real person.

Each helper takes a random.Random and returns (text, spans) pieces, spans as (start, end, type)
in characters relative to the returned text; the generators convert to UTF-8 byte offsets.
"""

GIVEN = {
    "us": "Brandon Kayla Tyrone Destiny Cody Brittany Hunter Savannah Logan Jasmine Dakota Marcus Shelby Travis Kendra "
          "Garrett Alexis Wyatt Monique Colton Tiana Preston Raven Dallas Ebony Trent Latoya Cole Kelsey Dustin Imani".split(),
    "uk": "Alfie Poppy Rhys Imogen Declan Niamh Callum Freya Ewan Isla Harvey Ellie Ruairi Bethan Dylan Ciara Owain Morag "
          "Ross Eilidh Fergus Tamsin Rory Keeley Jago Seren".split(),
    "de": "Jannik Lena Torben Wiebke Malte Svenja Henrik Frauke Björn Anja Dirk Jutta Lennart Ilka Gero Silke Volker "
          "Heike Ole Gesa Uwe Maren Detlef Kerstin Sönke Birte".split(),
    "fr": "Baptiste Manon Quentin Océane Romain Clémence Loïc Margaux Yannick Solène Gaëtan Anaïs Benoît Maëlle Jérôme "
          "Capucine Thibault Ségolène Aurélien Gwenaëlle".split(),
    "es": "Álvaro Lucía Íñigo Nerea Sergio Ainhoa Rubén Itziar Gonzalo Rocío Alberto Marta Fermín Begoña Ignacio Pilar "
          "Jacinto Remedios".split(),
    "it": "Lorenzo Giulia Matteo Chiara Simone Federica Tommaso Ilaria Edoardo Martina Gianluca Serena Massimo Noemi "
          "Raffaele Arianna".split(),
    "nl": "Joost Femke Thijs Anouk Bram Lieke Jeroen Marloes Sietse Annelies Wessel Fenna Gijs Hanneke Ruud Eline".split(),
    "pt": "Thiago Larissa Gustavo Camila Rafael Bianca Leandro Tatiana Caio Fernanda Rodrigo Juliana Otávio Priscila "
          "Diogo Beatriz".split(),
    "in": "Arjun Kavya Siddharth Ananya Vikram Meera Rahul Sneha Aditya Pooja Karthik Lakshmi Varun Shreya Manoj Deepika".split(),
    "pl": "Krzysztof Agnieszka Tomasz Magdalena Paweł Joanna Marcin Katarzyna Łukasz Małgorzata Grzegorz Zofia".split(),
    "tr": "Emre Elif Burak Zeynep Mert Aylin Oğuz Selin Kerem Büşra".split(),
    "se": "Linnea Oskar Elsa Viktor Maja Hugo Astrid Nils Ebba Axel".split(),
}
SURNAME = {
    "us": "Whitaker Holloway Bradshaw Prescott Caldwell Dunbar McAllister Fairbanks Hensley Lockhart Pruitt Stroud "
          "Gallagher Vance Thornton Kingsley Merritt Odom Pickett Rourke Sawyer Tillman Ulrich Voss".split(),
    "uk": "Ashworth Pemberton Fairweather Bexley Cartwright Dempsey Entwistle Featherstone Gilchrist Hargreaves "
          "Illingworth Jessop Kettering Lomax Moorcroft Nettleton Oakes Pilkington Quayle Ramsbottom".split(),
    "de": "Brinkmann Oltmanns Janssen Hinrichs Petersen Kühl Grotefend Steinbrück Wendt Thießen Lüdtke Brandes "
          "Hagedorn Vogelsang Kleinschmidt Ruppert Stöver Ahlers Böttcher Dreyer".split(),
    "fr": "Delacroix Fontaine Marchand Chevalier Lemaire Gauthier Perrin Brunet Charpentier Dufresne Lacombe Tessier "
          "Vasseur Rocher Bouvier Giraud".split(),
    "es": "Echeverría Castañeda Villanueva Quintero Arriaga Zubiri Olmedo Salcedo Beltrán Cárdenas Ibarra Urrutia "
          "Montoya Peñalver".split(),
    "it": "Bianchetti Caruso Donati Fabbri Guerra Lombardi Marchetti Orlando Pellegrini Rinaldi Sartori Testa "
          "Valentini Zanetti".split(),
    "nl": "van der Berg|de Graaf|Visser|Mulder|Bakker|van Leeuwen|Hoekstra|Dijkstra|Kuipers|de Haan|Brouwers|Timmermans".split("|"),
    "pt": "Carvalho Nogueira Figueiredo Albuquerque Macedo Teixeira Cavalcanti Moreira Siqueira Barbosa Guimarães Pacheco".split(),
    "in": "Iyer Nair Reddy Chatterjee Bhattacharya Deshpande Kulkarni Menon Srinivasan Agarwal Malhotra Trivedi".split(),
    "pl": "Wiśniewski Lewandowska Zieliński Szymańska Woźniak Dąbrowski Kamińska Jankowski".split(),
    "tr": "Yıldız Öztürk Aydın Çelik Şahin Arslan Doğan Kılıç".split(),
    "se": "Lindgren Bergström Sjöberg Holmqvist Nyström Åberg Ekström Lundqvist".split(),
}
# Native-script names: (family, given) pairs are combined at random.
CJK_FAMILY = {"cn": "王 李 张 刘 陈 杨 赵 黄 周 吴 徐 孙 胡 朱 高 林 何 郭 马 罗".split(),
              "jp": "佐藤 鈴木 高橋 田中 渡辺 伊藤 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 林 清水 斎藤".split(),
              "kr": "김 이 박 최 정 강 조 윤 장 임 한 오 서 신 권".split()}
CJK_GIVEN = {"cn": "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀英 华 慧 建国 志强 晓明 子涵".split(),
             "jp": "翔太 陽菜 蓮 結衣 大翔 美咲 悠真 さくら 健一 由美 直樹 恵子 拓也 愛子 和也 真由美".split(),
             "kr": "민준 서연 지훈 하은 도윤 수빈 예준 지우 현우 서윤 성민 은지".split()}
ROMAN = {"cn": ("Wang Li Zhang Liu Chen Yang Zhao Huang Zhou Wu".split(), "Wei Fang Jing Lei Jun Yan Tao Ming Hui Xiaoling".split()),
         "jp": ("Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato".split(),
                "Haruto Yuna Sota Mio Riku Aoi Kenji Yumiko Takumi Naoko".split()),
         "kr": ("Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim".split(), "Minjun Seoyeon Jihoon Haeun Doyoon Subin".split())}

STREET_BASE = {
    "us": "Magnolia Sycamore Juniper Chestnut Hawthorne Willowbrook Bayview Ridgecrest Foxglove Meadowlark Lakeshore "
          "Harborview Kingsbridge Stonegate Bluebonnet Timberline Granite Copperfield".split(),
    "uk": "Bramble Foxhall Kingfisher Orchard Abbotsford Millbrook Ashgrove Cheltenham Larkspur Rosebery Westbourne Heathfield".split(),
    "de": "Linden Eichen Birken Holunder Kastanien Ulmen Wacholder Amsel Finken Lerchen Kiefern Ahorn Rosen Tulpen".split(),
    "fr": "des Lilas|du Moulin|de la Fontaine|des Acacias|Victor Hugo|Jean Jaurès|de la Liberté|des Écoles|Pasteur|du Château".split("|"),
    "es": "de los Olivos|del Carmen|de la Constitución|Mayor|del Sol|de Goya|de Cervantes|de la Paz|del Prado|de Colón".split("|"),
    "it": "Garibaldi|Cavour|dei Mille|Dante Alighieri|XX Settembre|Matteotti|della Repubblica|Nazionale|dei Tigli|Manzoni".split("|"),
    "nl": "Eiken Beuken Berken Kastanje Linden Wilgen Populieren Esdoorn Meidoorn Vlier".split(),
    "pt": "das Flores|Sete de Setembro|Dom Pedro II|Barão de Mauá|das Palmeiras|XV de Novembro|São Bento|dos Andradas".split("|"),
    "in": "Gandhi|Nehru|Tagore|Patel|Shivaji|Ashoka|Subhash|Tilak".split("|"),
    "pl": "Kwiatowa Słoneczna Polna Leśna Lipowa Ogrodowa Mickiewicza Kościuszki".split(),
    "se": "Björk Ek Lind Gran Asp Rönn".split(),
}
CITIES = {
    "us": [("Boise", "ID", "837"), ("Madison", "WI", "537"), ("Fresno", "CA", "937"), ("Tulsa", "OK", "741"),
           ("Dayton", "OH", "454"), ("Spokane", "WA", "992"), ("Knoxville", "TN", "379"), ("Omaha", "NE", "681"),
           ("Albany", "NY", "122"), ("Reno", "NV", "895"), ("Savannah", "GA", "314"), ("Lubbock", "TX", "794")],
    "uk": [("Leeds", "LS"), ("Bristol", "BS"), ("Norwich", "NR"), ("Exeter", "EX"), ("Derby", "DE"), ("Aberdeen", "AB"),
           ("Cardiff", "CF"), ("Brighton", "BN"), ("York", "YO"), ("Swansea", "SA")],
    "de": ["Bremen", "Kiel", "Lübeck", "Göttingen", "Würzburg", "Regensburg", "Freiburg im Breisgau", "Osnabrück", "Rostock", "Kassel"],
    "fr": ["Rennes", "Nantes", "Grenoble", "Montpellier", "Dijon", "Toulouse", "Angers", "Reims", "Tours", "Limoges"],
    "es": ["Valladolid", "Málaga", "Bilbao", "Murcia", "Alicante", "Córdoba", "Vigo", "Gijón", "Pamplona", "Santander"],
    "it": [("Bologna", "BO"), ("Padova", "PD"), ("Verona", "VR"), ("Bergamo", "BG"), ("Parma", "PR"), ("Lecce", "LE"),
           ("Trieste", "TS"), ("Perugia", "PG")],
    "nl": ["Groningen", "Zwolle", "Leiden", "Haarlem", "Arnhem", "Eindhoven", "Tilburg", "Delft", "Nijmegen", "Maastricht"],
    "pt": [("Campinas", "SP"), ("Recife", "PE"), ("Fortaleza", "CE"), ("Belém", "PA"), ("Goiânia", "GO"), ("Florianópolis", "SC"),
           ("Salvador", "BA"), ("Manaus", "AM")],
    "in": ["Pune", "Chennai", "Hyderabad", "Jaipur", "Lucknow", "Kochi", "Indore", "Bhopal"],
    "pl": ["Kraków", "Wrocław", "Poznań", "Gdańsk", "Łódź", "Lublin"],
    "se": ["Uppsala", "Malmö", "Göteborg", "Linköping", "Örebro", "Västerås"],
}
CN_PLACES = [("浙江省", "杭州市", "西湖区"), ("广东省", "深圳市", "南山区"), ("江苏省", "南京市", "鼓楼区"), ("四川省", "成都市", "锦江区"),
             ("湖北省", "武汉市", "洪山区"), ("", "上海市", "徐汇区"), ("", "天津市", "和平区"), ("山东省", "青岛市", "市南区")]
CN_ROADS = "文三路 中山路 人民路 解放路 长江路 和平街 科技园路 滨江大道 学院路 光明街".split()
JP_PLACES = [("大阪府", "大阪市", "北区", "梅田"), ("愛知県", "名古屋市", "中区", "栄"), ("福岡県", "福岡市", "博多区", "博多駅前"),
             ("北海道", "札幌市", "中央区", "大通西"), ("京都府", "京都市", "下京区", "烏丸通"), ("東京都", "", "世田谷区", "三軒茶屋"),
             ("宮城県", "仙台市", "青葉区", "一番町")]
JP_ROMAN = [("Umeda", "Kita-ku", "Osaka"), ("Sakae", "Naka-ku", "Nagoya"), ("Tenjin", "Chuo-ku", "Fukuoka"), ("Sangenjaya", "Setagaya-ku", "Tokyo")]
KR_PLACES = [("서울특별시", "마포구", "월드컵로"), ("부산광역시", "해운대구", "해운대로"), ("서울특별시", "송파구", "올림픽로"), ("대구광역시", "수성구", "달구벌대로")]

# Organisations and brands: labelled ORGANIZATION (the model's negative class).
ORG_WORDS = "Northwind Bluepeak Quantex Orbisoft Helix Lumora Vantara Cobaltline Nexora Brightwater Ironclad Solvento " \
            "Greenfield Polaris Meridian Everstone Kestrel Tidewell Amberly Corvid".split()
ORG_SUFFIX = "GmbH|AG|Ltd|Ltd.|Inc.|LLC|S.A.|S.p.A.|B.V.|SAS|Corp.|plc|Pty Ltd|KG|& Co.|Group|Holdings|Partners|Labs|Systems|Analytics|Logistics|Consulting|Bank".split("|")
BRANDS = "Salesforce Zendesk Jira Confluence Slack GitHub GitLab Kubernetes PostgreSQL Redis Kafka Snowflake Datadog " \
         "Grafana Terraform Stripe Shopify HubSpot Notion Figma Docker Ubuntu Windows Excel Outlook Teams Zoom".split()
# Capitalised words that are not names.
TITLE_WORDS = "Quarterly Review Budget Summary Roadmap Release Notes Migration Plan Incident Report Action Items Overview " \
              "Background Next Steps Decision Outcome Status Update Architecture Deployment Monitoring Security Billing " \
              "Invoice Contract Renewal Pricing Support Escalation Priority High Medium Low Open Closed Pending Approved " \
              "Monday Tuesday Wednesday Thursday Friday January February March April June July August September October " \
              "November December Customer Account Order Shipment Warehouse Region North South East West Central".split()
PLACES_NOT_ADDRESS = "Lisbon Osaka Berlin Toronto Nairobi Singapore Dublin Prague Vienna Melbourne Denver Seattle Munich " \
                     "Barcelona Milan Rotterdam Zurich Oslo Helsinki Warsaw".split()
CODE_TYPES = "Arc Rc Box Vec HashMap BTreeMap PhantomData Option Result Mutex RwLock Cow Pin Future Stream Context Sender " \
             "Receiver Duration Instant PathBuf String Error Dim Shape Tensor Array Matrix Buffer Reader Writer Builder " \
             "Config Settings Handler Router Request Response Client Server Session Token Parser Lexer Node Tree Graph " \
             "Logger Registry Factory Adapter Visitor Iterator Promise Observable Component Service Controller Repository " \
             "Manager Provider Worker Task Job Queue Channel Socket Stream Frame Packet Header Payload Entity Model View " \
             "Schema Record Field Column Table Index Cursor Batch Chunk Segment Block Page Cache Store Pool Guard Lock " \
             "Ordering Display Debug Clone Default Serialize Deserialize Send Sync Sized Copy Eq Hash Ord Into From".split()
CODE_FUNCS = "getName setName toString parseInt fromJson toJson newInstance getInstance loadConfig handleRequest " \
             "onClick render update validate serialize deserialize encode decode connect disconnect".split()

WORLD_CITIES = "Austin Boston Chicago Houston Phoenix Atlanta Portland Nashville Miami Dallas Calgary Montreal Vancouver " \
               "Ottawa London Manchester Glasgow Edinburgh Liverpool Birmingham Leicester Paris Lyon Marseille Lille " \
               "Bordeaux Nice Strasbourg Hamburg Cologne Frankfurt Stuttgart Dresden Leipzig Hannover Nuremberg Madrid " \
               "Seville Valencia Zaragoza Granada Rome Naples Turin Florence Genoa Venice Amsterdam Utrecht Antwerp " \
               "Brussels Ghent Porto Coimbra Geneva Basel Bern Copenhagen Stockholm Gothenburg Bergen Tampere Krakow " \
               "Gdansk Budapest Bucharest Sofia Athens Istanbul Ankara Cairo Lagos Accra Johannesburg Dubai Doha Riyadh " \
               "Mumbai Delhi Bangalore Kolkata Chennai Karachi Dhaka Bangkok Hanoi Manila Jakarta Seoul Busan Tokyo " \
               "Kyoto Sapporo Shanghai Beijing Shenzhen Guangzhou Chengdu Wuhan Taipei Sydney Perth Brisbane Auckland " \
               "Wellington Santiago Lima Bogota Quito Caracas Montevideo Asuncion Recife Curitiba Brasilia Guadalajara " \
               "Monterrey Puebla Maharashtra Karnataka Bavaria Catalonia Lombardy Ontario Quebec Texas California".split()
KEYS_PERSON = ["Given names", "Preferred name", "Surname", "Family name", "Manager", "Employee", "Provider", "Beneficiary",
               "Account holder", "Emergency contact", "Requested by", "Approved by", "Signed", "Assignee", "Reporter",
               "Passenger", "Guest", "Tenant", "Landlord", "Driver", "Payee", "Kontoinhaber", "Titulaire", "Titular",
               "Intestatario", "Rekeninghouder", "Favorecido", "担当者", "申请人", "담당자", "Referred by", "Attending"]
KEYS_ADDRESS = ["Residential address", "Home address", "Beneficiary address", "Delivery address", "Postal address",
                "Lieferadresse", "Adresse de livraison", "Dirección de envío", "Indirizzo di consegna", "Afleveradres",
                "Endereço de entrega", "配送先", "收货地址", "배송지", "Registered office", "Billing address"]
KEYS_OTHER = ["Start date", "Department", "Rating", "Order", "Invoice", "Currency", "Account type", "Branch", "Bank",
              "Nationality", "Document", "Reference", "Priority", "Status", "Plan", "Queue", "Macro", "Channel", "Carrier",
              "口座種別", "銀行", "开户行", "은행", "Tax ID", "VAT ID", "Role", "Location", "Office", "Team"]
HEADERS_TITLE = ["First Name", "Last Name", "Full Name", "Email", "Phone", "City", "Country", "Company", "Created",
                 "Birthdate", "Tax ID", "Customer ID", "Contact ID", "Notes", "Segment", "Owner", "Street", "Zip",
                 "E-Mail", "Nachname", "Vorname", "Angelegt am", "Umsatz EUR", "Telefon", "Ort", "Status", "Last Login"]
NEIGHBOURHOODS = "Centro|Jardim América|Vila Mariana|Boa Viagem|Bela Vista|Savassi|Koramangala|Indiranagar|" \
                 "Jayanagar|Model Town|Banjara Hills|Andheri West|Powai|Mapo-gu|Shibuya-ku|Minato-ku".split("|")
NOT_NAME_CAPS = "Freight Macro Total Subtotal Shipping Handling Discount Tax Refund Credit Debit Balance Transfer Deposit " \
                "Withdrawal Fee Service Charge Hardware Software License Consulting Travel Meals Lodging Mileage Other " \
                "Yes No Unknown Approved Rejected Draft Final Internal External Public Private Confidential Restricted " \
                "Standard Express Overnight Ground Air Sea Rail Pickup Return Exchange Warranty Repair Premium Free".split()
CJK_WORDS = "普通 当座 振込 請求書 見積書 注文番号 件名 お世話になっております 確認 対応 部署 営業部 開発部 会議 資料 予定 " \
            "订单 发票 合同 报价 客户 部门 技术部 会议 资料 确认 计划 계약 주문 견적 부서 회의 자료 확인 일정".split()
