"""Independent corpus generator, author C: what employees paste into AI chats, with names everywhere.

Author C writes its own vocabulary (18 name origins, 60+ given names and 60+ surnames each, CJK in
native script with romanisations), its own streets, cities, companies and wordings, and renders
people's names in many forms and positions: mid-sentence in prose, given name alone as a chat
speaker or addressee, surname first (`OKONKWO, Chidi`, `Nakamura Haruto`), upper case on forms and
CVs, particles (`van der Meer`, `de la Cruz`, `al-Rashid`, `bin`), apostrophes and hyphens,
initials (`J. R. Alvarez`), honorifics kept outside the span (`Dr`, `Frau`, `Sra.`, `様`, `씨`), and
inside XML/JSON/YAML/CSV/TSV/logs/SQL/code/HTTP bodies/e-mail headers/git logs/ICS invites.

Hard negatives stay unlabelled: chat speakers such as `Support` or `Bot`, column headers, cities,
companies named after people (`Goldman Sachs`, `Siemens`), codenames, weekdays, titles of works,
class names, placeholder names (`John Doe`, `Max Mustermann`, `山田太郎`), streets named after people
inside an ADDRESS span. About a third of the documents are clean.

Only the mechanics come from core.py; nothing is shared with generate.py, author_a.py or author_b.py.
"""

import string
import unicodedata

import core
from core import Text, finish

# ---- vocabulary: names ---------------------------------------------------------------------------
# Whitespace separates entries; "_" stands for a space inside one entry (particles, compound names).
# CJK entries are native:romanised pairs.

_RAW = {
    "en": (
        "James Oliver Harry George Jack Noah Charlie Thomas William Henry Samuel Daniel Joseph Benjamin "
        "Matthew Ethan Nathan Adam Ryan Owen Luke Dylan Isaac Leo Alfie Freddie Archie Olivia Amelia Ava "
        "Emily Sophie Grace Lily Chloe Ella Charlotte Poppy Jessica Evie Ruby Hannah Abigail Megan Lauren "
        "Bethany Holly Rebecca Natalie Victoria Eleanor Harriet Imogen Zoe Madison Brooke Tyler Brandon "
        "Austin Kayla Courtney Heather Dwight Marjorie Clifford Gwendolyn Brent Shelby Travis Wendy",
        "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Moore Jackson Thompson "
        "White Harris Clark Lewis Robinson Walker Young Allen Wright Scott Green Baker Adams Nelson Hill "
        "Mitchell Roberts Carter Phillips Evans Turner Parker Collins Edwards Stewart Morris Cook Rogers "
        "Morgan Cooper Peterson Reed Bailey Bell Howard Ward Cox Richardson Wood Watson Brooks Bennett Gray "
        "Hughes Price Sanders Fletcher Whitaker Ashworth Pemberton Hargreaves Blackwood Thornton Caldwell",
    ),
    "ie": (
        "Seán Ciarán Cillian Oisín Pádraig Darragh Eoin Colm Cathal Ruairí Dónal Fergal Tadhg Declan Niall "
        "Lorcan Fionn Conor Rónán Diarmuid Kieran Brendan Aidan Hamish Angus Alasdair Fraser Murdo Euan "
        "Struan Lachlan Aoife Siobhán Niamh Ciara Saoirse Orla Róisín Aisling Caoimhe Gráinne Eimear "
        "Sinéad Clodagh Deirdre Maeve Bríd Úna Fionnuala Muireann Ailbhe Eilidh Morag Kirsty Catriona "
        "Ishbel Mhairi Fiona Shona Ailsa Iona Elspeth Seonaid Rhona Lorna",
        "O'Sullivan O'Brien O'Connor O'Neill O'Reilly O'Donnell O'Mahony O'Callaghan O'Shea O'Keeffe Walsh "
        "Byrne Doyle McCarthy Gallagher Doherty Kennedy Lynch Quinn Brennan Burke Dunne Fitzgerald "
        "Fitzpatrick Nolan McLaughlin McGrath Kavanagh Hennessy Moriarty Flanagan Cassidy Daly Farrell "
        "Keane Mulligan Ní_Bhriain Mac_Giolla_Phádraig MacLeod MacDonald MacKenzie MacGregor Fraser "
        "Robertson Munro Sinclair Urquhart Menzies Drummond Buchanan Lamont Cameron Ferguson McIntyre "
        "MacAulay Matheson Gillies Mackintosh Kerr Crawford Galbraith Sutherland Gunn Ó_Súilleabháin",
    ),
    "de": (
        "Lukas Leon Finn Jonas Felix Maximilian Paul Elias Jannik Tobias Moritz Niklas Florian Sebastian "
        "Matthias Stefan Jürgen Uwe Dieter Wolfgang Klaus Holger Torsten Dirk Björn Sören Lennart Anja "
        "Katrin Sabine Ursula Petra Birgit Heike Silke Anke Jutta Gudrun Frauke Mareike Svenja Lena Lea "
        "Mia Johanna Luise Franziska Annika Wiebke Friederike Ines Ulrike Dörte Hans-Peter Karl-Heinz "
        "Anna-Lena Ann-Kathrin Till Malte Jörg Helmut Gerhard Reinhard Kerstin",
        "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch Bauer "
        "Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Schmitt "
        "Werner Schmitz Krause Meier Lehmann Schulze Köhler Herrmann König Walter Mayer Huber Kaiser Fuchs "
        "Scholz Möller Weiß Jung Hahn Vogel Friedrich Keller Günther Berger Winkler Roth Beck Lorenz "
        "Baumann von_Bülow von_der_Heyden Eichhorn Oberländer Hagedorn Brandtner Grünewald Lindemann "
        "Overbeck Weißenborn",
    ),
    "fr": (
        "Jean-Marc Jean-Luc Marie-Claire Anne-Sophie Pierre-Yves Théo Hugo Louis Gabriel Arthur Jules "
        "Raphaël Antoine Mathis Clément Baptiste Quentin Romain Thibault Maxime Guillaume Sébastien "
        "Frédéric Olivier Thierry Didier Pascal Laurent Benoît Gaëtan Loïc Yannick Camille Manon Chloé "
        "Léa Inès Jade Louise Océane Margaux Élodie Aurélie Céline Nathalie Sandrine Véronique Isabelle "
        "Sylvie Mireille Brigitte Geneviève Solène Maëlle Clémence Capucine Agathe Héloïse Amandine "
        "Ophélie Anaïs Bérénice",
        "Bernard Dubois Robert Richard Petit Durand Leroy Moreau Simon Lefebvre Michel Bertrand Roux "
        "Vincent Fournier Morel Girard André Lefèvre Mercier Dupont Lambert Bonnet François Legrand Garnier "
        "Faure Rousseau Blanc Guérin Roussel Perrin Morin Mathieu Gauthier Dumont Fontaine Chevalier Robin "
        "Masson Gérard Boyer Lemaire Duval Joly Gautier Roche Noël Meunier Marchand Dufour Blanchard "
        "Saint-Exupéry de_La_Fontaine Le_Goff Le_Gall de_Villiers Delacroix Beaumont d'Arcy Giraud Lacroix "
        "Brossard Kerjean",
    ),
    "es": (
        "José Carlos Javier Miguel Alejandro Diego Sergio Pablo Andrés Fernando Raúl Ricardo Eduardo "
        "Manuel Francisco Antonio Jorge Luis Mateo Santiago Sebastián Emiliano Joaquín Gonzalo Rodrigo "
        "Iñaki Álvaro Íñigo María Lucía Sofía Valentina Camila Isabella Daniela Martina Ximena Fernanda "
        "Paula Carmen Pilar Rocío Marta Elena Alba Nerea Ainhoa Itziar Guadalupe Rosario Consuelo "
        "Inmaculada Esperanza Catalina Renata Florencia Agustina Mercedes Dolores Begoña Montserrat Nuria "
        "María_José José_Luis Juan_Carlos",
        "García Fernández González Rodríguez López Martínez Sánchez Gómez Jiménez Ruiz Hernández Díaz "
        "Moreno Muñoz Álvarez Romero Alonso Gutiérrez Navarro Torres Domínguez Vázquez Ramos Gil Ramírez "
        "Serrano Blanco Molina Morales Suárez Ortega Delgado Castro Ortiz Rubio Marín Sanz Núñez Iglesias "
        "Medina Garrido Cortés Castillo Lozano Guerrero Cano Prieto Méndez Cruz Calvo Gallego Vidal Herrera "
        "Márquez Peña Flores Cabrera Vega Fuentes Carrasco Aguilar de_la_Cruz de_la_Fuente del_Río "
        "Echeverría Goikoetxea Villanueva",
    ),
    "pt": (
        "João_Pedro Thiago Rafael Bruno Gustavo Felipe Leonardo Matheus Vinícius Caio Henrique Otávio "
        "Renato Marcelo Fábio Cláudio Vitor Diogo Tiago Nuno Rui Duarte Gonçalo Afonso Wellington Cauã "
        "Ana_Beatriz Mariana Larissa Letícia Juliana Gabriela Bruna Amanda Aline Tatiana Patrícia Vanessa "
        "Adriana Cristina Luana Raquel Thaís Yasmin Débora Rita Joana Leonor Matilde Carolina Francisca "
        "Conceição Graça Fátima Margarida Luíza Helena Sílvia Simone Priscila Jéssica Kelly",
        "Silva Santos Oliveira Souza Rodrigues Ferreira Alves Pereira Lima Gomes Costa Ribeiro Martins "
        "Carvalho Almeida Lopes Soares Fernandes Vieira Barbosa Rocha Dias Nascimento Andrade Moreira Nunes "
        "Marques Machado Mendes Freitas Cardoso Gonçalves Santana Teixeira Araújo Pinto Correia Monteiro "
        "Cavalcanti Moura Azevedo Cunha Batista Farias Brandão Sampaio Figueiredo Magalhães Antunes Tavares "
        "Fonseca Coelho Pires Sousa Leite Guimarães Queiroz Bezerra Medeiros Xavier Loureiro da_Silva "
        "dos_Santos da_Costa de_Souza do_Nascimento",
    ),
    "it": (
        "Lorenzo Alessandro Francesco Andrea Matteo Gabriele Riccardo Tommaso Edoardo Federico Giuseppe "
        "Giovanni Marco Luca Stefano Paolo Massimo Fabrizio Gianluca Pierluigi Giancarlo Salvatore Vincenzo "
        "Carmine Domenico Emanuele Niccolò Jacopo Filippo Gianmarco Pietro Enrico Ettore Giulia Aurora "
        "Alice Ginevra Beatrice Chiara Francesca Alessia Federica Elisa Silvia Giorgia Roberta Cinzia "
        "Patrizia Raffaella Donatella Antonella Graziella Ornella Loredana Gabriella Serena Ilaria "
        "Benedetta Ludovica Arianna Noemi Carlotta Vittoria Costanza Annalisa Marisa",
        "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti De_Luca "
        "Mancini Giordano Rizzo Lombardi Moretti Barbieri Fontana Santoro Mariani Rinaldi Caruso Ferrara "
        "Galli Martini Leone Longo Gentile Martinelli Vitale Lombardo Serra Coppola De_Santis D'Angelo "
        "Marchetti Parisi Villa Conte Ferraro Ferri Fabbri Marini Grasso Valentini Messina Sala De_Angelis "
        "Gatti Pellegrini Palumbo Sanna Farina Rizzi Monti Cattaneo Morelli Amato Silvestri Mazza Testa "
        "Di_Stefano D'Amico Lo_Russo Dell'Acqua",
    ),
    "nl": (
        "Daan Sem Bram Jesse Thijs Ruben Stijn Joris Wouter Maarten Pieter Sander Niels Bas Floris Gijs "
        "Jeroen Koen Roel Sjoerd Tijmen Wessel Hidde Jelle Rutger Siebe Teun Joost Arjen Tess Sanne Fleur "
        "Lotte Femke Anouk Maud Isa Roos Noor Eva Lieke Marloes Ilse Inge Mirjam Annelies Esther Wilma "
        "Hanneke Marieke Loes Fenna Jet Britt Nienke Evi Yara Saskia Anneke Wietske Willemijn Jorien",
        "de_Jong Jansen de_Vries van_den_Berg van_Dijk Bakker Janssen Visser Smit Meijer de_Boer Mulder "
        "de_Groot Bos Vos Hendriks van_Leeuwen Dekker Brouwer de_Wit Dijkstra Smits de_Graaf van_der_Meer "
        "van_der_Linden Kok Jacobs de_Haan Vermeulen van_den_Heuvel van_der_Veen van_den_Broek de_Bruijn "
        "van_der_Heijden Schouten van_Beek Willems van_Vliet van_de_Ven Hoekstra Maas Verhoeven Koster "
        "van_Dam van_der_Wal Prins Blom Huisman Peeters de_Ruiter Kuipers Veenstra Kramer van_den_Bosch "
        "Postma Timmermans Wijnands Zwart 't_Hooft Oosterhuis Vermeer Bleeker",
    ),
    "pl": (
        "Jakub Kacper Szymon Filip Mateusz Bartosz Wojciech Michał Krzysztof Tomasz Paweł Piotr Grzegorz "
        "Łukasz Marcin Przemysław Zbigniew Jarosław Radosław Dariusz Agnieszka Małgorzata Katarzyna "
        "Magdalena Joanna Ewa Dorota Justyna Aleksandra Zuzanna Weronika Natalia Wiktoria Oliwia Beata "
        "Grażyna Jadwiga Halina Bożena Jiří Petr Tomáš Lukáš Ondřej Vojtěch Miroslav Zdeněk Radek Kateřina "
        "Lucie Tereza Veronika Barbora Markéta Hana Eliška Jana Lenka Zdeňka Dagmar Věra Milena Šárka",
        "Nowak Kowalczyk Wójcik Mazur Krawczyk Woźniak Kamiński Lewandowski Zieliński Szymański Dąbrowski "
        "Kozłowski Jankowski Kwiatkowski Piotrowski Grabowski Nowakowski Pawłowski Michalski Nowicki "
        "Adamczyk Dudek Zając Wieczorek Jabłoński Król Majewski Olszewski Jaworski Wróbel Malinowski "
        "Pawlak Witkowski Walczak Stępień Górski Rutkowski Sikora Baran Ostrowski Chmielewski Szczepański "
        "Brzęczyszczykiewicz Wiśniewski Novák Svoboda Novotný Dvořák Černý Procházka Kučera Veselý Horák "
        "Němec Pokorný Pospíšil Hájek Jelínek Růžička Beneš Fiala Sedláček Doležal Kolář Navrátil Čermák",
    ),
    "nordic": (
        "Lars Erik Anders Johan Nils Magnus Olof Sven Gunnar Bjørn Torbjørn Eirik Håkon Sigurd Leif Ragnar "
        "Kjetil Øystein Jens Søren Mads Rasmus Mikkel Kasper Emil Oskar Axel Viktor Linnea Astrid Sigrid "
        "Solveig Karin Birgitta Maja Elin Frida Saga Ebba Tuva Signe Freja Ida Nanna Mette Pernille Trine "
        "Kirsten Liv Ragnhild Hilde Marit Åsa Ylva Malin Ulrika Aino Eero Juha Mikko Antti Jukka Tuomas "
        "Päivi Tuula Riikka Kaisa Helmi Veera",
        "Johansson Andersson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Gustafsson "
        "Pettersson Jonsson Lindberg Lindström Lindqvist Lundgren Bergström Sandberg Sjöberg Forsberg "
        "Holmberg Engström Åberg Ekström Nyström Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen "
        "Kristiansen Haugen Hagen Bakken Dahl Halvorsen Solberg Strand Moen Nygaard Sørensen Rasmussen "
        "Christensen Poulsen Mortensen Thomsen Madsen Kjær Østergaard Virtanen Korhonen Mäkinen Nieminen "
        "Mäkelä Hämäläinen Laine Heikkinen Koskinen Järvinen Lehtonen Saarinen",
    ),
    "tr": (
        "Mehmet Mustafa Ahmet Hüseyin Hasan İbrahim İsmail Murat Ömer Yusuf Emre Burak Serkan Cem Kerem "
        "Tolga Onur Barış Uğur Volkan Oğuz Alper Deniz Kaan Efe Arda Eren Mert Berk Ayşe Fatma Emine Hatice "
        "Zeynep Elif Merve Büşra Esra Özlem Sevgi Derya Aslı Ebru Pınar Tuğba Gizem Ceren Defne Ecem İrem "
        "Selin Şule Nesrin Dilek Hülya Serap Yasemin Çağla Gökçe Songül",
        "Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan Doğan Kılıç Aslan Çetin "
        "Kara Koç Kurt Özkan Şimşek Polat Özcan Korkmaz Çakır Erdoğan Yavuz Acar Şen Aktaş Güler Yalçın "
        "Güneş Bozkurt Bulut Keskin Ünal Turan Özer İnce Kaplan Tekin Aksoy Avcı Karataş Sarı Bayram Akın "
        "Uçar Güven Kocabaş Erdem Tunç Ateş Başaran Karakaya Çiftçi Duman Tuncer Akgül Kalkan Sezer",
    ),
    "ar": (
        "Mohammed Ahmed Omar Khalid Youssef Ibrahim Hassan Hussein Tariq Karim Samir Nabil Walid Faisal "
        "Abdullah Abdulrahman Rashid Mahmoud Hamza Bilal Ziad Rami Fadi Jamal Majid Nasser Sami Adel Amr "
        "Ayman Hisham Fatima Aisha Maryam Layla Nour Salma Huda Rania Hala Dina Lina Amira Zainab Khadija "
        "Samira Leila Noura Reem Hanan Mona Ghada Dalia Farah Rasha Sana Jamila Asma Basma Nadia Lubna Soha",
        "al-Rashid al-Farsi al-Masri al-Amin al-Hashimi al-Qahtani al-Otaibi al-Zahrani al-Shammari "
        "al-Mansour El-Sayed El-Amrani Haddad Khoury Nassar Saleh Hamdan Mansour Aziz Abdallah Darwish "
        "Barakat Habib Jaber Kassem Shaheen Awad Fakhoury Sabbagh Tahan Hijazi Zaki Karam Suleiman Yousef "
        "Bakr Othman Rahman Hamad Abboud Khalil Salem Farouk Mahfouz Khatib Halabi Jabbour Bitar Azzam "
        "Sharif Ghanem Abu-Ghazaleh Benali Benjelloun El-Khoury Mrad Chahine Nakhleh Tannous Qasim Murad",
    ),
    "in": (
        "Aarav Vivaan Aditya Arjun Rohan Rahul Vikram Sanjay Anil Sunil Rajesh Suresh Ramesh Mahesh Ganesh "
        "Karthik Pranav Siddharth Nikhil Abhishek Varun Harish Venkatesh Srinivas Anand Deepak Manoj Amit "
        "Vijay Ravi Priyanka Priya Ananya Aditi Kavya Diya Isha Pooja Neha Shreya Divya Lakshmi Meera "
        "Sunita Anjali Deepika Swati Nandini Aishwarya Radhika Sneha Shalini Kavitha Revathi Padma Vidya "
        "Gayatri Harpreet Gurpreet Manpreet Simran Jaspreet Arvind Sudha Bhavana",
        "Sharma Verma Gupta Singh Kumar Patel Shah Mehta Desai Joshi Reddy Rao Naidu Iyer Iyengar Nair "
        "Menon Pillai Krishnan Subramanian Venkataraman Chatterjee Banerjee Mukherjee Bose Ghosh Dutta "
        "Chakraborty Kapoor Malhotra Khanna Chopra Bhatia Agarwal Jain Bansal Goel Mittal Saxena Srivastava "
        "Tiwari Mishra Pandey Dubey Chauhan Rathore Thakur Kulkarni Deshpande Patil Gaikwad Jadhav Pawar "
        "Shetty Hegde Kamath Sandhu Dhillon Sidhu Grewal Bhattacharya Ahluwalia Natarajan Ramaswamy",
    ),
    "af": (
        "Chidi Chinedu Chukwuemeka Emeka Obinna Ikenna Nnamdi Uchenna Ngozi Chioma Adaeze Nneka Amaka "
        "Ifeoma Oluwaseun Olumide Tunde Babatunde Adebayo Ayodele Folasade Funmilayo Yetunde Bukola "
        "Temitope Abimbola Kehinde Taiwo Segun Musa Aliyu Hauwa Kwame Kofi Kwabena Kwaku Yaw Kojo Kwesi "
        "Akosua Ama Abena Afua Akua Yaa Efua Adwoa Esi Kwadwo Wanjiru Njeri Wambui Achieng Akinyi Baraka "
        "Juma Amani Zawadi Neema Tumaini Halima Olamide Chiamaka",
        "Okafor Okonkwo Eze Nwosu Obi Okeke Nwachukwu Chukwu Okoye Adeyemi Ogunleye Ogundipe Oyelaran "
        "Adewale Olawale Balogun Bello Danjuma Lawal Okoro Eke Anyanwu Ugwu Ezeh Udeh Akande Akinola "
        "Oyebanji Fashola Mensah Asante Owusu Boateng Osei Agyeman Appiah Ofori Darko Amoah Acheampong "
        "Gyamfi Kuffour Danquah Ansah Sarpong Addo Tetteh Quaye Kamau Mwangi Ochieng Otieno Wanjiku "
        "Njoroge Kariuki Odhiambo Kiplagat Cheruiyot Wafula Mutua Omondi Hakizimana Nkurunziza Tesfaye "
        "Bekele Gebremedhin",
    ),
    "vi": (
        "An Anh Bảo Bình Châu Chi Cường Dũng Duy Giang Hà Hải Hạnh Hiếu Hoa Hòa Hùng Hương Huy Huyền "
        "Khánh Khoa Lan Linh Long Mai Minh My Nam Nga Ngọc Nhung Phong Phúc Phương Quân Quang Quỳnh Sơn "
        "Tâm Thanh Thảo Thắng Thủy Tiến Trang Trinh Trung Tuấn Tú Uyên Vân Việt Vy Xuân Yến Đạt Đức "
        "Thu_Trang Minh_Châu Ngọc_Anh Văn_Hùng Thị_Hồng Quốc_Bảo",
        "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Đào Lâm Trịnh Trương "
        "Cao Lương Tô Tạ Kiều Quách Thái Vương Lưu Triệu Mạc Khúc Tăng Từ Chu Doãn Lục Nghiêm Thân Tôn Giáp "
        "Hứa Phùng Âu Đoàn Diệp Ông Lạc Bạch Khổng Ninh Mạnh Chế Phó Hầu Thạch Viên Tiêu Cù Đàm Lã Văn "
        "Quan",
    ),
    "zh": (
        "伟:Wei 芳:Fang 娜:Na 敏:Min 静:Jing 丽:Li 强:Qiang 磊:Lei 军:Jun 洋:Yang 勇:Yong 艳:Yan 杰:Jie "
        "娟:Juan 涛:Tao 明:Ming 超:Chao 秀英:Xiuying 霞:Xia 平:Ping 刚:Gang 桂英:Guiying 建华:Jianhua "
        "晓明:Xiaoming 志强:Zhiqiang 海燕:Haiyan 雪梅:Xuemei 子涵:Zihan 梓轩:Zixuan 浩然:Haoran "
        "宇轩:Yuxuan 欣怡:Xinyi 思琪:Siqi 佳怡:Jiayi 雨桐:Yutong 俊杰:Junjie 博文:Bowen 天佑:Tianyou "
        "嘉欣:Jiaxin 晨曦:Chenxi 文博:Wenbo 一鸣:Yiming 鹏飞:Pengfei 国强:Guoqiang 丽华:Lihua 春梅:Chunmei "
        "晓燕:Xiaoyan 慧敏:Huimin 立新:Lixin 振宇:Zhenyu 子豪:Zihao 诗涵:Shihan 梦瑶:Mengyao 若曦:Ruoxi "
        "宏伟:Hongwei 明辉:Minghui 建军:Jianjun 红梅:Hongmei 玉兰:Yulan 家豪:Jiahao 晓峰:Xiaofeng "
        "雅婷:Yating 志明:Zhiming 美玲:Meiling",
        "王:Wang 李:Li 张:Zhang 刘:Liu 陈:Chen 杨:Yang 黄:Huang 赵:Zhao 吴:Wu 周:Zhou 徐:Xu 孙:Sun 马:Ma "
        "朱:Zhu 胡:Hu 郭:Guo 何:He 高:Gao 林:Lin 罗:Luo 郑:Zheng 梁:Liang 谢:Xie 宋:Song 唐:Tang 韩:Han "
        "冯:Feng 邓:Deng 曹:Cao 彭:Peng 曾:Zeng 肖:Xiao 田:Tian 董:Dong 袁:Yuan 潘:Pan 于:Yu 蒋:Jiang "
        "蔡:Cai 杜:Du 叶:Ye 程:Cheng 苏:Su 魏:Wei 吕:Lyu 丁:Ding 任:Ren 沈:Shen 姚:Yao 卢:Lu 崔:Cui "
        "钟:Zhong 谭:Tan 汪:Wang 范:Fan 金:Jin 石:Shi 廖:Liao 贾:Jia 夏:Xia 方:Fang 白:Bai 邹:Zou 孟:Meng "
        "熊:Xiong 秦:Qin 邱:Qiu 薛:Xue 欧阳:Ouyang 司马:Sima 上官:Shangguan",
    ),
    "ja": (
        "翔太:Shota 蓮:Ren 大翔:Hiroto 陽翔:Haruto 湊:Minato 悠真:Yuma 大輝:Daiki 健太:Kenta 拓海:Takumi "
        "翼:Tsubasa 直樹:Naoki 誠:Makoto 浩:Hiroshi 隆:Takashi 聡:Satoshi 健一:Kenichi 和也:Kazuya "
        "達也:Tatsuya 雄一:Yuichi 亮:Ryo 大介:Daisuke 太一:Taichi 俊介:Shunsuke 修:Osamu 茂:Shigeru "
        "学:Manabu 光:Hikaru 陸:Riku 樹:Itsuki 悠人:Yuto 陽菜:Hina 結衣:Yui 葵:Aoi 美咲:Misaki "
        "さくら:Sakura 愛:Ai 優花:Yuka 彩:Aya 真由美:Mayumi 恵子:Keiko 裕子:Yuko 陽子:Yoko 直美:Naomi "
        "由美子:Yumiko 明美:Akemi 智子:Tomoko 久美子:Kumiko 美穂:Miho 麻衣:Mai 千尋:Chihiro 紗希:Saki "
        "凛:Rin 芽衣:Mei 琴音:Kotone 杏:Anzu 美月:Mizuki 七海:Nanami 遥:Haruka 明日香:Asuka 菜々子:Nanako "
        "駿:Shun 和子:Kazuko",
        "佐藤:Sato 鈴木:Suzuki 高橋:Takahashi 田中:Tanaka 伊藤:Ito 渡辺:Watanabe 山本:Yamamoto 中村:Nakamura "
        "小林:Kobayashi 加藤:Kato 吉田:Yoshida 佐々木:Sasaki 山口:Yamaguchi 松本:Matsumoto 井上:Inoue "
        "木村:Kimura 林:Hayashi 斎藤:Saito 清水:Shimizu 山崎:Yamazaki 森:Mori 池田:Ikeda 橋本:Hashimoto "
        "阿部:Abe 石川:Ishikawa 山下:Yamashita 中島:Nakajima 石井:Ishii 小川:Ogawa 前田:Maeda 岡田:Okada "
        "長谷川:Hasegawa 藤田:Fujita 後藤:Goto 近藤:Kondo 村上:Murakami 遠藤:Endo 青木:Aoki 坂本:Sakamoto "
        "福田:Fukuda 太田:Ota 西村:Nishimura 藤井:Fujii 岡本:Okamoto 松田:Matsuda 中川:Nakagawa "
        "中野:Nakano 原田:Harada 小野:Ono 田村:Tamura 竹内:Takeuchi 金子:Kaneko 和田:Wada 中山:Nakayama "
        "石田:Ishida 上田:Ueda 森田:Morita 柴田:Shibata 酒井:Sakai 工藤:Kudo 横山:Yokoyama 宮崎:Miyazaki",
    ),
    "ko": (
        "민준:Min-jun 서준:Seo-jun 도윤:Do-yun 예준:Ye-jun 시우:Si-woo 하준:Ha-jun 주원:Ju-won 지호:Ji-ho "
        "지후:Ji-hoo 준서:Jun-seo 준우:Jun-woo 현우:Hyun-woo 도현:Do-hyun 건우:Geon-woo 우진:Woo-jin "
        "민재:Min-jae 현준:Hyun-jun 선우:Sun-woo 서진:Seo-jin 연우:Yeon-woo 정훈:Jung-hoon 성민:Sung-min "
        "동현:Dong-hyun 상우:Sang-woo 영호:Young-ho 재원:Jae-won 태양:Tae-yang 승현:Seung-hyun 진호:Jin-ho "
        "경수:Kyung-soo 서연:Seo-yeon 서윤:Seo-yun 지우:Ji-woo 서현:Seo-hyun 민서:Min-seo 하은:Ha-eun "
        "하윤:Ha-yun 윤서:Yun-seo 지민:Ji-min 채원:Chae-won 수빈:Su-bin 지아:Ji-a 다은:Da-eun 은서:Eun-seo "
        "예은:Ye-eun 수아:Su-a 소율:So-yul 예린:Ye-rin 유진:Yu-jin 혜진:Hye-jin 미영:Mi-young 은정:Eun-jung "
        "수진:Su-jin 지영:Ji-young 현정:Hyun-jung 영희:Young-hee 미경:Mi-kyung 은지:Eun-ji 보람:Bo-ram "
        "나연:Na-yeon 하늘:Ha-neul",
        "김:Kim 이:Lee 박:Park 최:Choi 정:Jung 강:Kang 조:Cho 윤:Yoon 장:Jang 임:Lim 한:Han 오:Oh 서:Seo "
        "신:Shin 권:Kwon 황:Hwang 안:Ahn 송:Song 류:Ryu 전:Jeon 홍:Hong 고:Ko 문:Moon 양:Yang 손:Son 배:Bae "
        "백:Baek 허:Heo 유:Yoo 남:Nam 심:Shim 노:Noh 하:Ha 곽:Kwak 성:Sung 차:Cha 주:Joo 우:Woo 구:Koo "
        "민:Min 진:Jin 나:Na 지:Ji 엄:Eom 채:Chae 원:Won 천:Cheon 방:Bang 공:Kong 현:Hyun 함:Ham 변:Byun "
        "염:Yeom 여:Yeo 추:Choo 도:Do 석:Seok 설:Seol 길:Gil 연:Yeon 표:Pyo 명:Myung 남궁:Namgung "
        "제갈:Jegal 황보:Hwangbo 선우:Sunwoo",
    ),
}

CJK = ("zh", "ja", "ko")
ORIGINS = list(_RAW)


def _entries(s):
    return [w.replace("_", " ") for w in s.split()]


NAMES = {}
for _o, (_g, _s) in _RAW.items():
    if _o in CJK:
        NAMES[_o] = ([tuple(e.split(":")) for e in _g.split()], [tuple(e.split(":")) for e in _s.split()])
    else:
        NAMES[_o] = (_entries(_g), _entries(_s))

# Placeholder names used in documentation: never labelled, and never produced by chance.
PLACEHOLDERS = ["John Doe", "Jane Doe", "Max Mustermann", "Erika Mustermann", "山田太郎", "Juan Pérez",
                "Mario Rossi", "Jan Kowalski", "Joe Bloggs", "Ola Nordmann", "Fulano de Tal", "Jan Jansen",
                "John Smith", "Jean Dupont", "Hong Gildong", "张三", "李四", "홍길동", "Mustermann"]
_PLACEHOLDER_PAIRS = {("John", "Doe"), ("Jane", "Doe"), ("Max", "Mustermann"), ("Erika", "Mustermann"),
                      ("Juan", "Pérez"), ("Mario", "Rossi"), ("Jan", "Kowalski"), ("John", "Smith"),
                      ("Jean", "Dupont"), ("Joe", "Bloggs")}

# ---- people --------------------------------------------------------------------------------------

_FOLD = {"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D",
         "ı": "i", "å": "a", "Å": "A"}


def ascii_fold(s):
    s = "".join(_FOLD.get(c, c) for c in s)
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if c.isascii() and (c.isalnum() or c in "-")).lower()


# doc language -> origins its people mostly come from
LANG_ORIGINS = {
    "en": ["en", "en", "en", "ie", "in", "af", "ar", "zh", "vi", "es", "pt", "it", "nordic", "pl", "de",
           "fr", "nl", "tr", "ja", "ko"],
    "de": ["de", "de", "de", "tr", "pl", "it"], "fr": ["fr", "fr", "fr", "ar", "af", "pt"],
    "es": ["es", "es", "es", "pt"], "pt": ["pt", "pt", "pt", "es"], "it": ["it", "it", "it", "ar"],
    "nl": ["nl", "nl", "nl", "tr", "ar"], "pl": ["pl", "pl", "pl", "pl", "de"],
    "sv": ["nordic", "nordic", "nordic", "ar", "pl"], "tr": ["tr", "tr", "tr", "tr", "de"],
    "ja": ["ja"], "zh": ["zh"], "ko": ["ko"],
}


class Person:
    def __init__(self, rng, origin=None, lang="en"):
        self.origin = origin = origin or rng.choice(LANG_ORIGINS.get(lang, ORIGINS))
        gs, ss = NAMES[origin]
        while True:
            g, s = rng.choice(gs), rng.choice(ss)
            if origin in CJK:
                (self.gn, self.g), (self.sn, self.s) = g, s
            else:
                self.g, self.s = g, s
                self.gn = self.sn = None
            if (self.g, self.s) not in _PLACEHOLDER_PAIRS and (self.sn or "") + (self.gn or "") not in PLACEHOLDERS:
                break
        if origin == "pl" and self.g.endswith("a") and self.s[-3:] in ("ski", "cki", "dzki"):
            self.s = self.s[:-1] + "a"
        self.female = self.g[-1:] in "aeiyh" and origin not in CJK
        if origin == "ar":
            male = gs[:gs.index("Fatima")]  # the list gives male names first
            self.female = self.g not in male
            if rng.random() < 0.15:  # patronymic form: Khalid bin Walid, Huda bint Samir
                self.s = ("bint " if self.female else rng.choice(["bin ", "ibn "])) + rng.choice(male)
        mid = rng.choice(gs)
        self.mid = (mid[1] if origin in CJK else mid) if rng.random() < 0.5 else None
        self.s2 = rng.choice(ss) if origin in ("es", "pt") and rng.random() < 0.5 else None
        # romanised order: family name first for many East Asian and Vietnamese writers
        self.family_first = origin in ("zh", "ko", "vi") and rng.random() < 0.6 or origin == "ja" and rng.random() < 0.3
        self.mail_user = None

    # span texts -------------------------------------------------------------------------------
    def full(self):
        if self.origin == "vi":
            return f"{self.s} {self.g}" if self.family_first else f"{self.g} {self.s}"
        if self.origin in CJK:
            return f"{self.s} {self.g}" if self.family_first else f"{self.g} {self.s}"
        return f"{self.g} {self.s} {self.s2}" if self.s2 else f"{self.g} {self.s}"

    def native(self, rng=None):
        if self.origin == "ja":
            return f"{self.sn}{' ' if rng and rng.random() < 0.4 else ''}{self.gn}"
        if self.origin in CJK:
            return f"{self.sn}{self.gn}"
        return self.full()

    def surname(self):
        return self.s

    def given(self):
        return self.g

    def render(self, rng, form=None):
        """A rendering of the whole name (no title)."""
        forms = ["full"] * 6 + ["last_comma", "upper_last", "initials", "middle", "upper_full"]
        if self.origin in CJK:
            forms += ["native"] * 5
        form = form or rng.choice(forms)
        g, s = self.g, (f"{self.s} {self.s2}" if self.s2 else self.s)
        if form == "native":
            return self.native(rng)
        if form == "last_comma":
            return f"{s}, {g}"
        if form == "upper_last":
            return f"{s.upper()}, {g}" if rng.random() < 0.6 else f"{s.upper()} {g}"
        if form == "upper_full":
            return self.full().upper()
        if form == "initials":
            first = "-".join(p[0] + "." for p in g.split("-")) if "-" in g and self.origin not in CJK else g[0] + "."
            if self.mid and rng.random() < 0.6:
                sep = rng.choice([" ", ""])
                return f"{first}{sep}{self.mid[0]}. {s}"
            return f"{first} {s}"
        if form == "middle" and self.mid and self.origin not in CJK + ("vi",):
            return f"{g} {self.mid} {s}"
        return self.full()

    def email(self, rng, domain=None):
        g = ascii_fold(self.g.split(" ")[0]) or "x"
        s = ascii_fold(self.s.replace(" ", "").replace("'", "")) or "y"
        if self.mail_user is None:
            n = rng.randrange(10, 99)
            self.mail_user = rng.choice([f"{g}.{s}", f"{g}{s}", f"{g[0]}{s}", f"{g}_{s}", f"{s}.{g}",
                                         f"{g}.{s}{n}", f"{g[0]}.{s}", f"{g}{n}"])
        if not domain:
            domain = rng.choice(PERSONAL_DOMAINS.get(self.origin, []) + ["gmail.com", "outlook.com", "proton.me"])
        return f"{self.mail_user}@{domain}"


PERSONAL_DOMAINS = {
    "en": ["yahoo.com", "icloud.com", "btinternet.com"], "ie": ["eircom.net", "hotmail.co.uk"],
    "de": ["web.de", "gmx.de", "t-online.de"], "fr": ["orange.fr", "free.fr", "laposte.net"],
    "es": ["hotmail.es", "telefonica.net"], "pt": ["uol.com.br", "sapo.pt", "bol.com.br"],
    "it": ["libero.it", "virgilio.it", "tiscali.it"], "nl": ["ziggo.nl", "kpnmail.nl", "xs4all.nl"],
    "pl": ["wp.pl", "onet.pl", "seznam.cz"], "nordic": ["telia.se", "online.no", "elisanet.fi"],
    "tr": ["yandex.com.tr", "hotmail.com"], "ar": ["yahoo.ae", "hotmail.com"], "in": ["rediffmail.com", "yahoo.co.in"],
    "af": ["yahoo.co.uk", "ymail.com"], "vi": ["yahoo.com.vn"], "zh": ["qq.com", "163.com", "126.com"],
    "ja": ["yahoo.co.jp", "docomo.ne.jp"], "ko": ["naver.com", "daum.net", "kakao.com"],
}

TITLES = {
    "en": ["Mr", "Mrs", "Ms", "Dr", "Dr.", "Prof.", "Mr.", "Ms."], "de": ["Herr", "Frau", "Dr.", "Herr Dr.", "Frau Prof."],
    "fr": ["M.", "Mme", "Dr", "Maître", "Madame", "Monsieur"], "es": ["Sr.", "Sra.", "Dr.", "Dra.", "don", "doña"],
    "pt": ["Sr.", "Sra.", "Dr.", "Dra."], "it": ["Sig.", "Sig.ra", "Dott.", "Dott.ssa", "Avv.", "Ing."],
    "nl": ["dhr.", "mevr.", "mr.", "dr."], "pl": ["Pan", "Pani", "dr", "mgr"], "sv": ["Dr."],
    "tr": ["Dr."],
}

_MALE_T = {"Mr", "Mr.", "Herr", "Herr Dr.", "M.", "Monsieur", "Sr.", "don", "Sig.", "Dott.", "dhr.", "Pan"}
_FEMALE_T = {"Mrs", "Ms", "Ms.", "Frau", "Frau Prof.", "Mme", "Madame", "Sra.", "Dra.", "doña", "Sig.ra", "Dott.ssa",
             "mevr.", "Pani"}

# ---- companies, places, negatives ----------------------------------------------------------------

COMPANIES = ["Goldman Sachs", "Johnson & Johnson", "Siemens", "Procter & Gamble", "Deloitte", "Ernst & Young",
             "McKinsey", "Ferrero", "Philips", "Ericsson", "Bosch", "Dell", "Ford", "Hewlett-Packard",
             "Morgan Stanley", "Merck", "Porsche", "Lidl", "Carrefour", "Heineken", "Toyota", "Samsung",
             "Tata Consultancy Services", "Dangote Cement", "Mahindra", "Barclays", "Lloyds", "Rothschild & Co",
             "Halvorsen Logistik AS", "Brandtner Maschinenbau GmbH", "Okonkwo & Eze LLP", "Lindqvist Bygg AB",
             "Ferreira Têxteis Lda", "Rinaldi Arredamenti S.r.l.", "Van Dijk Transport B.V.", "Kowalczyk Sp. z o.o.",
             "Yılmaz Tekstil A.Ş.", "Mehta Pharma Pvt Ltd", "Mitsubishi", "Hyundai", "Haier", "Dyson", "Kellogg's",
             "Wells Fargo", "Dr. Oetker", "Louis Vuitton", "Hermès", "Ferragamo", "Marks & Spencer", "Boeing"]
CODENAMES = ["Project Falcon", "Atlas", "Orion", "Bluebird", "Kestrel", "Hermes", "Apollo", "Phoenix", "Nimbus",
             "Project Lotus", "Juniper", "Tiramisu", "Polaris", "Marigold", "Granite", "Sequoia", "Halcyon"]
WORKS = ["Thinking, Fast and Slow", "Clean Code", "The Pragmatic Programmer", "Designing Data-Intensive Applications",
         "The Phoenix Project", "Team Topologies", "Accelerate", "Der Vorleser", "Cent ans de solitude",
         "Good Strategy Bad Strategy", "The Mythical Man-Month"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
WORK_DOMAINS = ["northwind-analytics.com", "brightpath.io", "kestrel-systems.de", "halden.no", "lumenbank.eu",
                "teraform-labs.com", "orbitalfreight.co.uk", "solvia.es", "maré-digital.pt".replace("é", "e"),
                "cantiere-blu.it", "dijkhuis.nl", "vistula-soft.pl", "akdeniz-yazilim.com.tr", "meridian-health.org",
                "quillstone.com", "fernwood.ie", "sakura-trading.co.jp", "hanriver-tech.kr", "jadeport.cn",
                "lagos-fintech.ng", "savannah-agri.co.ke", "pune-infotech.in"]
ROLE_MAILS = ["support", "info", "noreply", "billing", "security", "privacy", "hr", "careers", "accounts", "helpdesk"]

# addresses: country -> (streets, cities, format)
_STREETS = {
    "us": ["Martin Luther King Jr Blvd", "Lincoln Ave", "Maple St", "Oak Ridge Dr", "Jefferson Pkwy", "Cedar Ln",
           "W 34th St", "Pine Hollow Rd", "Washington Blvd", "Elm Ct", "Franklin St", "Cesar Chavez Ave",
           "Harriet Tubman Way", "Sycamore Loop", "Frederick Douglass Blvd"],
    "uk": ["Churchill Way", "Victoria Road", "Nelson Street", "Station Road", "Brunel Close", "Darwin Avenue",
           "Wellington Crescent", "Mill Lane", "Shakespeare Street", "Florence Nightingale Court"],
    "ie": ["Parnell Street", "O'Connell Street", "Pearse Street", "Grattan Crescent", "Collins Avenue", "Mount Merrion Avenue"],
    "de": ["Karl-Marx-Straße", "Goethestraße", "Konrad-Adenauer-Allee", "Schillerplatz", "Lindenstraße", "Am Mühlbach",
           "Friedrich-Ebert-Straße", "Hauptstraße", "Bahnhofstraße", "Sophie-Scholl-Weg", "Beethovenring", "Rosa-Luxemburg-Straße"],
    "fr": ["rue Victor Hugo", "avenue Jean Jaurès", "boulevard Gambetta", "rue de la République", "place Charles de Gaulle",
           "rue Émile Zola", "allée des Tilleuls", "impasse du Moulin", "quai Voltaire", "rue Pasteur"],
    "es": ["Calle de Cervantes", "Avenida de Blasco Ibáñez", "Calle Mayor", "Paseo de Gracia", "Calle de Alcalá",
           "Rambla de Catalunya", "Calle Antonio Machado", "Avenida de Isabel la Católica"],
    "mx": ["Av. Benito Juárez", "Calle Miguel Hidalgo", "Av. Insurgentes Sur", "Calle Frida Kahlo"],
    "pt": ["Rua Augusta", "Avenida da Liberdade", "Rua Luís de Camões", "Rua do Almada", "Travessa do Carmo"],
    "br": ["Rua Tiradentes", "Avenida Getúlio Vargas", "Rua Machado de Assis", "Rua Oscar Freire", "Av. Paulista",
           "Rua Chico Buarque"],
    "it": ["Via Giuseppe Garibaldi", "Corso Vittorio Emanuele II", "Via Dante Alighieri", "Piazza Cavour",
           "Viale Giacomo Matteotti", "Via Roma", "Via Alessandro Manzoni"],
    "nl": ["Prinsengracht", "Johan de Wittlaan", "Van Goghstraat", "Kerkstraat", "Willem Barentszstraat", "Spui",
           "Thorbeckeplein"],
    "pl": ["ul. Adama Mickiewicza", "ul. Marii Skłodowskiej-Curie", "al. Jana Pawła II", "ul. Kościuszki", "ul. Długa",
           "ul. Fryderyka Chopina"],
    "cz": ["Husova", "Vinohradská", "Karlova", "Masarykova"],
    "se": ["Drottninggatan", "Linnégatan", "Storgatan", "Kungsgatan", "Strindbergsgatan", "Sveavägen"],
    "no": ["Karl Johans gate", "Thorvald Meyers gate", "Henrik Ibsens gate", "Bogstadveien"],
    "tr": ["Atatürk Cad.", "İstiklal Caddesi", "Bağdat Caddesi", "Mevlana Sk.", "Cumhuriyet Bulvarı"],
    "in": ["Mahatma Gandhi Road", "14th Cross, Indiranagar", "Subhash Chandra Bose Marg", "Linking Road, Bandra West",
           "Anna Salai", "Jubilee Hills Road No. 36"],
    "ng": ["Adeola Odeku Street, Victoria Island", "Herbert Macaulay Way, Yaba", "Awolowo Road, Ikoyi",
           "Aminu Kano Crescent, Wuse II"],
    "gh": ["Kwame Nkrumah Avenue", "Oxford Street, Osu", "Liberation Road"],
    "ke": ["Kenyatta Avenue", "Moi Avenue", "Ngong Road", "Waiyaki Way, Westlands"],
}
_CITIES = {
    "us": [("Portland", "OR", "97205"), ("Columbus", "OH", "43215"), ("Austin", "TX", "78704"), ("Raleigh", "NC", "27601"),
           ("Denver", "CO", "80203"), ("Madison", "WI", "53703"), ("Tucson", "AZ", "85701"), ("Albany", "NY", "12207"),
           ("Boise", "ID", "83702"), ("Savannah", "GA", "31401")],
    "uk": [("Leeds", "LS6 2QR"), ("Bristol", "BS8 1TH"), ("Norwich", "NR2 4PD"), ("Cardiff", "CF10 3AT"),
           ("York", "YO31 7EP"), ("Edinburgh", "EH3 9DR"), ("Glasgow", "G12 8QQ"), ("London", "SE1 7PB")],
    "ie": [("Dublin 8", "D08 X2F4"), ("Cork", "T12 K8AF"), ("Galway", "H91 E2K3")],
    "de": [("Berlin", "10247"), ("Köln", "50667"), ("München", "80331"), ("Hamburg", "20095"), ("Leipzig", "04109"),
           ("Stuttgart", "70173"), ("Frankfurt am Main", "60311"), ("Bremen", "28195")],
    "fr": [("Paris", "75011"), ("Toulouse", "31000"), ("Bordeaux", "33000"), ("Nantes", "44000"), ("Marseille", "13006"),
           ("Lille", "59000"), ("Lyon", "69002"), ("Strasbourg", "67000")],
    "es": [("Madrid", "28014"), ("Barcelona", "08007"), ("Valencia", "46010"), ("Sevilla", "41001"), ("Bilbao", "48001"),
           ("Zaragoza", "50001")],
    "mx": [("Ciudad de México", "06600"), ("Guadalajara", "44100"), ("Monterrey", "64000")],
    "pt": [("Lisboa", "1100-048"), ("Porto", "4000-322"), ("Coimbra", "3000-141"), ("Braga", "4700-031")],
    "br": [("São Paulo", "SP", "01310-200"), ("Rio de Janeiro", "RJ", "22071-000"), ("Belo Horizonte", "MG", "30130-010"),
           ("Curitiba", "PR", "80010-000"), ("Recife", "PE", "50030-230")],
    "it": [("Milano", "20121"), ("Roma", "00184"), ("Bologna", "40126"), ("Firenze", "50123"), ("Napoli", "80134"),
           ("Torino", "10122")],
    "nl": [("Amsterdam", "1016 GV"), ("Utrecht", "3511 AB"), ("Den Haag", "2514 EA"), ("Rotterdam", "3011 BD"),
           ("Groningen", "9711 LM")],
    "pl": [("Warszawa", "00-950"), ("Kraków", "31-042"), ("Gdańsk", "80-831"), ("Wrocław", "50-101"), ("Poznań", "61-001")],
    "cz": [("Praha 1", "110 00"), ("Brno", "602 00")],
    "se": [("Stockholm", "111 21"), ("Göteborg", "411 38"), ("Malmö", "211 22"), ("Uppsala", "753 20")],
    "no": [("Oslo", "0159"), ("Bergen", "5003"), ("Trondheim", "7011")],
    "tr": [("Kadıköy/İstanbul", "34710"), ("Çankaya/Ankara", "06420"), ("Konak/İzmir", "35220"), ("Nilüfer/Bursa", "16110")],
    "in": [("Bengaluru", "560038"), ("Pune", "411001"), ("Chennai", "600017"), ("Hyderabad", "500034"),
           ("New Delhi", "110001"), ("Mumbai", "400050")],
    "ng": [("Lagos",), ("Abuja",), ("Ibadan",)], "gh": [("Accra",), ("Kumasi",)], "ke": [("Nairobi", "00100"), ("Mombasa", "80100")],
}
_JP_ADDR = ["〒150-0002 東京都渋谷区渋谷2-21-1", "〒530-0001 大阪府大阪市北区梅田3-1-3", "〒460-0008 愛知県名古屋市中区栄3-5-12 サンシャインビル4F",
            "〒060-0005 北海道札幌市中央区北五条西2-5", "〒812-0011 福岡県福岡市博多区博多駅前2-1-1", "〒604-8005 京都府京都市中京区河原町通三条上る恵比須町427"]
_JP_ADDR_EN = ["2-21-1 Shibuya, Shibuya-ku, Tokyo 150-0002", "3-1-3 Umeda, Kita-ku, Osaka 530-0001",
               "1-9-1 Marunouchi, Chiyoda-ku, Tokyo 100-0005"]
_CN_ADDR = ["北京市朝阳区建国路88号3号楼1502室", "上海市浦东新区世纪大道100号", "广东省深圳市南山区科技园路18号", "浙江省杭州市西湖区文三路259号",
            "四川省成都市武侯区人民南路四段12号6栋302"]
_KR_ADDR = ["서울특별시 강남구 테헤란로 152, 12층", "부산광역시 해운대구 해운대로 570", "경기도 성남시 분당구 판교역로 235",
            "서울특별시 마포구 월드컵북로 396, 1203호"]
ORIGIN_COUNTRY = {"en": ["us", "uk"], "ie": ["ie", "uk"], "de": ["de"], "fr": ["fr"], "es": ["es", "mx"],
                  "pt": ["pt", "br"], "it": ["it"], "nl": ["nl"], "pl": ["pl", "cz"], "nordic": ["se", "no"],
                  "tr": ["tr", "de"], "ar": ["uk", "fr", "us"], "in": ["in", "uk"], "af": ["ng", "gh", "ke", "uk"],
                  "vi": ["us", "fr"], "zh": ["cn"], "ja": ["jp"], "ko": ["kr"]}
LANG_COUNTRY = {"en": None, "de": "de", "fr": "fr", "es": "es", "pt": "br", "it": "it", "nl": "nl", "pl": "pl",
                "sv": "se", "tr": "tr", "ja": "jp", "zh": "cn", "ko": "kr"}


def address(rng, country, multiline=False):
    """A full postal address as one string (one ADDRESS span)."""
    nl = "\n" if multiline else ", "
    n = rng.randrange(1, 240)
    if country == "jp":
        return rng.choice(_JP_ADDR)
    if country == "jp-en":
        return rng.choice(_JP_ADDR_EN)
    if country == "cn":
        return rng.choice(_CN_ADDR)
    if country == "kr":
        return rng.choice(_KR_ADDR)
    st = rng.choice(_STREETS[country])
    c = rng.choice(_CITIES[country])
    if country == "us":
        apt = rng.choice(["", f", Apt {rng.randrange(1, 30)}{rng.choice('ABCD')}", f", Suite {rng.randrange(100, 900)}"])
        return f"{n * 7 + 11} {st}{apt}{nl}{c[0]}, {c[1]} {c[2]}"
    if country in ("uk", "ie"):
        flat = rng.choice(["", f"Flat {rng.randrange(1, 12)}, "])
        return f"{flat}{n} {st}{nl}{c[0]}{nl if multiline else ' '}{c[1]}"
    if country in ("de", "nl", "se", "no", "cz"):
        return f"{st} {n}{rng.choice(['', 'a', 'b']) if country != 'se' else ''}{nl}{c[1]} {c[0]}"
    if country == "fr":
        return f"{n} {st}{nl}{c[1]} {c[0]}"
    if country == "es":
        return f"{st}, {n}, {rng.randrange(1, 8)}º {rng.choice('ABCD')}{nl}{c[1]} {c[0]}"
    if country == "mx":
        return f"{st} {n * 3}, Col. {rng.choice(['Centro', 'Roma Norte', 'Del Valle', 'Americana'])}{nl}{c[1]} {c[0]}"
    if country == "pt":
        return f"{st}, {n}, {rng.randrange(1, 6)}º Esq.{nl}{c[1]} {c[0]}"
    if country == "br":
        return f"{st}, {n * 9}, apto {rng.randrange(11, 140)} – {rng.choice(['Centro', 'Bela Vista', 'Savassi', 'Boa Viagem'])}{nl}{c[0]} – {c[1]}, {c[2]}"
    if country == "it":
        return f"{st} {n}{nl}{c[1]} {c[0]}"
    if country == "pl":
        return f"{st} {n}/{rng.randrange(1, 40)}{nl}{c[1]} {c[0]}"
    if country == "tr":
        return f"{st} No: {n} D: {rng.randrange(1, 20)}{nl}{c[1]} {c[0]}"
    if country == "in":
        return (f"Flat {rng.randrange(1, 9)}0{rng.randrange(1, 9)}, {rng.choice(['Sai Krupa Apartments', 'Green Glen Layout', 'Prestige Shantiniketan', 'Lodha Aurum'])}, "
                f"{st}{nl}{c[0]} {c[1]}")
    if country in ("ng", "gh"):
        return f"{rng.choice(['', 'Plot ', 'House No. '])}{n} {st}{nl}{c[0]}"
    if country == "ke":
        return f"{rng.choice(['', 'Apt 4, '])}{st}{nl}P.O. Box {n * 37}-{c[1]}, {c[0]}"
    raise ValueError(country)


def person_country(rng, p):
    if p.origin == "ja":
        return rng.choice(["jp", "jp", "jp-en"])
    if p.origin == "zh":
        return "cn"
    if p.origin == "ko":
        return "kr"
    return rng.choice(ORIGIN_COUNTRY[p.origin])


def digits(rng, n):
    return "".join(rng.choice(string.digits) for _ in range(n))


def phone(rng, country):
    d = lambda n: digits(rng, n)  # noqa: E731
    forms = {
        "us": [f"({rng.randrange(201, 989)}) {rng.randrange(201, 999)}-{d(4)}", f"+1 {rng.randrange(201, 989)} {rng.randrange(201, 999)} {d(4)}",
               f"{rng.randrange(201, 989)}-{rng.randrange(201, 999)}-{d(4)} ext. {rng.randrange(10, 999)}"],
        "uk": [f"+44 7{d(3)} {d(6)}", f"020 7{d(3)} {d(4)}", f"0113 {d(3)} {d(4)}", f"07{d(3)} {d(3)} {d(3)}"],
        "ie": [f"+353 8{rng.choice('3567')} {d(3)} {d(4)}", f"(01) {d(3)} {d(4)}"],
        "de": [f"+49 30 {d(8)}", f"0171 {d(7)}", f"+49 (0)89 {d(4)} {d(4)}", f"0221 / {d(3)} {d(2)} {d(2)}"],
        "fr": [f"+33 6 {d(2)} {d(2)} {d(2)} {d(2)}", f"01 {d(2)} {d(2)} {d(2)} {d(2)}", f"07.{d(2)}.{d(2)}.{d(2)}.{d(2)}"],
        "es": [f"+34 6{d(2)} {d(3)} {d(3)}", f"91 {d(3)} {d(2)} {d(2)}"], "mx": [f"+52 55 {d(4)} {d(4)}"],
        "pt": [f"+351 91{d(1)} {d(3)} {d(3)}"], "br": [f"+55 11 9{d(4)}-{d(4)}", f"(21) {d(4)}-{d(4)}"],
        "it": [f"+39 3{d(2)} {d(3)} {d(4)}", f"06 {d(4)} {d(4)}"], "nl": [f"+31 6 {d(8)}", f"020-{d(7)}"],
        "pl": [f"+48 5{d(2)} {d(3)} {d(3)}"], "cz": [f"+420 6{d(2)} {d(3)} {d(3)}"],
        "se": [f"+46 70 {d(3)} {d(2)} {d(2)}", f"08-{d(3)} {d(3)} {d(2)}"], "no": [f"+47 9{d(2)} {d(2)} {d(3)}"],
        "tr": [f"+90 5{d(2)} {d(3)} {d(2)} {d(2)}", f"0 (212) {d(3)} {d(2)} {d(2)}"],
        "in": [f"+91 9{d(4)} {d(5)}", f"080-{d(4)} {d(4)}"], "ng": [f"+234 80{d(1)} {d(3)} {d(4)}", f"0803 {d(3)} {d(4)}"],
        "gh": [f"+233 24 {d(3)} {d(4)}"], "ke": [f"+254 7{d(2)} {d(6)}"], "vn": [f"+84 9{d(1)} {d(3)} {d(4)}"],
        "cn": [f"+86 13{d(1)} {d(4)} {d(4)}", f"010-{d(4)} {d(4)}", f"13{d(9)}"],
        "jp": [f"090-{d(4)}-{d(4)}", f"+81 3-{d(4)}-{d(4)}", f"03-{d(4)}-{d(4)}"], "kr": [f"010-{d(4)}-{d(4)}", f"+82 2-{d(3)}-{d(4)}"],
        "ae": [f"+971 50 {d(3)} {d(4)}"],
    }
    country = {"jp-en": "jp"}.get(country, country)
    return rng.choice(forms.get(country, forms["uk"]))


def dob(rng, lang):
    y, m, dd = rng.randrange(1952, 2004), rng.randrange(1, 13), rng.randrange(1, 29)
    if lang == "en":
        return rng.choice([f"{dd:02d}/{m:02d}/{y}", f"{y}-{m:02d}-{dd:02d}", f"{MONTHS[m - 1]} {dd}, {y}", f"{dd} {MONTHS[m - 1][:3]} {y}"])
    if lang in ("de", "pl", "tr"):
        return f"{dd:02d}.{m:02d}.{y}"
    if lang in ("ja", "zh"):
        return f"{y}年{m}月{dd}日"
    if lang == "ko":
        return f"{y}년 {m}월 {dd}일"
    if lang in ("nl", "sv"):
        return f"{dd:02d}-{m:02d}-{y}" if lang == "nl" else f"{y}-{m:02d}-{dd:02d}"
    return f"{dd:02d}/{m:02d}/{y}"


def some_date(rng, lang="en", year=2025):
    m, dd = rng.randrange(1, 13), rng.randrange(1, 29)
    if lang == "en":
        return rng.choice([f"{year}-{m:02d}-{dd:02d}", f"{dd} {MONTHS[m - 1]} {year}"])
    if lang in ("de", "pl", "tr"):
        return f"{dd:02d}.{m:02d}.{year}"
    if lang in ("ja", "zh"):
        return f"{year}年{m}月{dd}日"
    if lang == "ko":
        return f"{year}년 {m}월 {dd}일"
    return f"{dd:02d}/{m:02d}/{year}"


# ---- financial and secret values -----------------------------------------------------------------

_IBAN_BODY = {"DE": "18d", "GB": "4L14d", "FR": "23d", "AT": "16d", "CH": "17d", "IE": "4L14d", "NL": "4L10d",
              "PL": "24d", "SE": "20d", "FI": "14d", "ES": "20d", "IT": "1L22d", "PT": "21d", "BE": "12d", "DK": "14d",
              "NO": "11d"}
_BANKS = {"GB": ["NWBK", "BARC", "LOYD", "MIDL"], "IE": ["AIBK", "BOFI"], "NL": ["INGB", "RABO", "ABNA", "KNAB"]}


def iban(rng, country, grouped=None):
    spec = _IBAN_BODY[country]
    body = ""
    if spec.startswith("4L"):
        body += rng.choice(_BANKS[country])
        spec = spec[2:]
    if spec.startswith("1L"):
        body += rng.choice(string.ascii_uppercase)
        spec = spec[2:]
    for part in spec.split("d")[:-1]:
        body += digits(rng, int(part))
    if country == "BE":
        n = int(body[:10]) % 97 or 97
        body = body[:10] + f"{n:02d}"
    v = core.iban_make(country, body)
    if grouped is None:
        grouped = rng.random() < 0.6
    return " ".join(v[i:i + 4] for i in range(0, len(v), 4)) if grouped else v


LANG_IBAN = {"en": ["GB", "IE", "DE", "NL"], "de": ["DE", "AT", "CH"], "fr": ["FR", "BE"], "es": ["ES"], "pt": ["PT"],
             "it": ["IT"], "nl": ["NL", "BE"], "pl": ["PL"], "sv": ["SE", "FI", "DK", "NO"], "tr": ["DE"]}


def card(rng):
    kind = rng.choice(["visa", "visa", "mc", "mc2", "amex"])
    if kind == "amex":
        n = core.luhn_complete(rng.choice(["34", "37"]) + digits(rng, 12))
        return f"{n[:4]} {n[4:10]} {n[10:]}" if rng.random() < 0.6 else n
    pre = {"visa": "4", "mc": str(rng.randrange(51, 56)), "mc2": str(rng.randrange(2221, 2721))}[kind]
    n = core.luhn_complete(pre + digits(rng, 15 - len(pre)))
    sep = rng.choice([" ", "-", ""])
    return sep.join(n[i:i + 4] for i in range(0, 16, 4))


_B32 = string.ascii_uppercase + "234567"
_ALNUM = string.ascii_letters + string.digits


def secret(rng, kind=None):
    kind = kind or rng.choice(["AWS", "GITHUB_TOKEN", "STRIPE_KEY", "SLACK_TOKEN", "OPENAI_API_KEY", "GOOGLE_API_KEY",
                               "GENERIC_SECRET", "PASSWORD", "JWT", "GITLAB_TOKEN"])
    r = lambda a, n: core.rand_chars(rng, a, n)  # noqa: E731
    if kind == "AWS":
        kind = "AWS_ACCESS_KEY"
    if kind == "AWS_ACCESS_KEY":
        return kind, "AKIA" + r(_B32, 16)
    if kind == "AWS_SECRET_KEY":
        return kind, r(_ALNUM + "/+", 40)
    if kind == "GITHUB_TOKEN":
        return kind, core.github_token(rng)
    if kind == "GITLAB_TOKEN":
        return kind, "glpat-" + r(_ALNUM + "-_", 20)
    if kind == "STRIPE_KEY":
        return kind, rng.choice(["sk_live_", "rk_live_", "sk_test_"]) + r(_ALNUM, 24)
    if kind == "SLACK_TOKEN":
        return kind, f"xoxb-{digits(rng, 12)}-{digits(rng, 13)}-{r(_ALNUM, 24)}"
    if kind == "SLACK_WEBHOOK":
        return kind, f"https://hooks.slack.com/services/T{r(string.ascii_uppercase + string.digits, 10)}/B{r(string.ascii_uppercase + string.digits, 10)}/{r(_ALNUM, 24)}"
    if kind == "OPENAI_API_KEY":
        return kind, "sk-proj-" + r(_ALNUM + "-_", 74) + "T3BlbkFJ" + r(_ALNUM + "-_", 74)
    if kind == "GOOGLE_API_KEY":
        return kind, "AIza" + r(_ALNUM + "-_", 35)
    if kind == "GENERIC_SECRET":
        return kind, rng.choice(["SG." + r(_ALNUM + "-_", 22) + "." + r(_ALNUM + "-_", 43),
                                 "npm_" + r(_ALNUM, 36), "hvs." + r(_ALNUM, 24), r("0123456789abcdef", 64)])
    if kind == "PASSWORD":
        return kind, rng.choice(["Winter", "Kestrel", "Blue", "Otter", "Sommer", "Lluvia", "Mango", "Tulpe"]) + \
            rng.choice(["!", "#", "$", "%", "&"]) + digits(rng, rng.randrange(2, 5)) + r(string.ascii_letters, 3)
    if kind == "JWT":
        return kind, core.jwt(rng, {"sub": digits(rng, 8), "iat": 1730000000 + rng.randrange(10 ** 7), "scope": "read write"})
    if kind == "CONNECTION_STRING":
        user = rng.choice(["app", "svc_billing", "reporting", "etl", "admin_ro"])
        pw = secret(rng, "PASSWORD")[1]
        host = rng.choice(["db-prod-2.internal", "10.20.3.14", "pg.eu-west-1.rds.amazonaws.com", "mongo-a.cluster.local"])
        return kind, rng.choice([f"postgres://{user}:{pw}@{host}:5432/{rng.choice(['orders', 'crm', 'payroll'])}",
                                 f"mongodb+srv://{user}:{pw}@{host}/app?retryWrites=true",
                                 f"mysql://{user}:{pw}@{host}:3306/shop"])
    raise ValueError(kind)


HEALTH = {
    "en": ["type 2 diabetes", "hypertension", "major depressive disorder", "generalised anxiety disorder", "asthma",
           "chronic migraine", "rheumatoid arthritis", "atrial fibrillation", "Crohn's disease", "hypothyroidism",
           "multiple sclerosis", "epilepsy", "COPD", "breast cancer", "long COVID", "herniated disc at L4-L5",
           "post-traumatic stress disorder", "coeliac disease", "ADHD", "plantar fasciitis"],
    "de": ["Diabetes mellitus Typ 2", "arterielle Hypertonie", "depressive Episode", "Asthma bronchiale", "Migräne",
           "Bandscheibenvorfall", "Vorhofflimmern", "Hashimoto-Thyreoiditis", "Burnout-Syndrom", "Morbus Crohn"],
    "fr": ["diabète de type 2", "hypertension artérielle", "dépression", "asthme", "hernie discale",
           "fibrillation auriculaire", "sclérose en plaques", "syndrome d'épuisement professionnel"],
    "es": ["diabetes tipo 2", "hipertensión arterial", "depresión mayor", "asma", "lumbalgia crónica", "fibromialgia",
           "artritis reumatoide"],
    "pt": ["diabetes tipo 2", "hipertensão arterial", "depressão", "asma", "hérnia de disco", "síndrome de burnout"],
    "it": ["diabete di tipo 2", "ipertensione", "depressione", "asma bronchiale", "ernia del disco", "fibrillazione atriale"],
    "nl": ["diabetes type 2", "hoge bloeddruk", "burn-out", "astma", "hernia", "reumatoïde artritis"],
    "pl": ["cukrzyca typu 2", "nadciśnienie tętnicze", "depresja", "astma oskrzelowa"],
    "sv": ["typ 2-diabetes", "högt blodtryck", "utmattningssyndrom", "astma"],
    "tr": ["tip 2 diyabet", "hipertansiyon", "depresyon", "astım"],
    "ja": ["2型糖尿病", "高血圧症", "うつ病", "喘息", "腰椎椎間板ヘルニア"],
    "zh": ["2型糖尿病", "高血压", "抑郁症", "哮喘", "腰椎间盘突出"],
    "ko": ["제2형 당뇨병", "고혈압", "우울증", "천식", "허리 디스크"],
}


# ---- text helpers --------------------------------------------------------------------------------

import re  # noqa: E402

_TOK = re.compile(r"\{(\w+)\}")


def fill(t, tpl, /, **kw):
    """Appends `tpl` with {key} replaced by kw[key]: a string, a (value, TYPE) pair or a list of those."""
    pos = 0
    for m in _TOK.finditer(tpl):
        t.add(tpl[pos:m.start()])
        v = kw[m.group(1)]
        for piece in (v if isinstance(v, list) else [v]):
            if isinstance(piece, tuple):
                t.add(*piece)
            else:
                t.add(piece)
        pos = m.end()
    t.add(tpl[pos:])
    return t


def P(s):
    return (s, "PERSON")


def mention(rng, p, lang, style=None):
    """Pieces naming `p` in running text: the title (if any) stays outside the PERSON span."""
    style = style or rng.choice(["full", "full", "full", "render", "title", "given"])
    if lang == "ja" and p.origin == "ja":
        if style == "given":
            return [P(p.gn), rng.choice(["さん", "ちゃん"])]
        return [P(p.sn if style == "title" else p.native(rng)), rng.choice(["様", "さん", "先生", "部長", "課長"])]
    if lang == "zh" and p.origin == "zh":
        if style == "title":
            return [P(p.sn), rng.choice(["先生", "女士", "经理", "总", "老师"])]
        return [P(p.native())] + ([rng.choice(["先生", "女士", "经理"])] if rng.random() < 0.3 else [])
    if lang == "ko" and p.origin == "ko":
        if style == "given":
            return [P(p.gn), rng.choice([" 씨", "님"])]
        return [P(p.native()), rng.choice([" 씨", "님", " 과장님", " 대리", " 팀장님"])]
    if style == "given":
        return [P(p.gn if p.origin in CJK and lang in CJK else p.g)]
    if style == "title":
        if lang == "tr" and p.origin == "tr":
            return [P(p.g), " Hanım" if p.female else " Bey"]
        titles = [x for x in TITLES.get(lang, TITLES["en"]) if x not in (_MALE_T if p.female else _FEMALE_T)]
        return [rng.choice(titles) + " ", P(p.surname() if rng.random() < 0.6 else p.full())]
    if style == "render":
        return [P(p.render(rng))]
    if p.origin in CJK and (lang in CJK or rng.random() < 0.25):
        return [P(p.native(rng))]
    return [P(p.full())]


def people(rng, n, lang="en", origin=None):
    seen, out = set(), []
    while len(out) < n:
        p = Person(rng, origin, lang)
        if p.full() not in seen:
            seen.add(p.full())
            out.append(p)
    return out


def pick_lang(rng, langs, en_share=0.45):
    if "en" in langs and rng.random() < en_share:
        return "en"
    rest = [x for x in langs if x != "en"] or ["en"]
    return rng.choice(rest)


def order_no(rng):
    return rng.choice([f"#{digits(rng, 6)}", f"ORD-{digits(rng, 7)}", f"SO{digits(rng, 8)}", f"A-{digits(rng, 5)}"])


def company_domain(rng):
    return rng.choice(WORK_DOMAINS)


# ---- e-mail --------------------------------------------------------------------------------------

EMAIL_PACK = {
    "en": {
        "greet": ["Hi {g},", "Hello {g},", "Dear {t},", "{g} –", "Morning {g},"],
        "body": [
            "I spoke with {p} yesterday and they confirmed the revised delivery window for order {order}.",
            "According to {t}, the renewal is still with {company}'s procurement team.",
            "Could you ask {g2} to send the signed copy before {day}?",
            "{p} from {company} will join the call on {day}; please loop in {q} as well.",
            "As discussed with {p}, we are moving the kickoff to {date}.",
            "Please send the corrected invoice to {p} ({email}) and copy {q}.",
            "{g2} is out of office until {date}, so {q} will cover the account.",
            "The customer, {p}, called again about the refund for {order}; best number is {phone}.",
            "Quick heads-up: {q} escalated the {codename} ticket after {p} complained on {day}.",
            "We still haven't heard back from {t} in {city} about the replacement unit.",
        ],
        "close": ["Best,", "Thanks,", "Kind regards,", "Cheers,", "Many thanks,"],
        "subj": ["Re: order {order}", "Follow-up: renewal", "FW: customer complaint", "Call on {day}", "Refund status"],
    },
    "de": {
        "greet": ["Hallo {g},", "Liebe/r {g},", "Sehr geehrte/r {t},", "Moin {g},"],
        "body": [
            "ich habe gestern mit {p} telefoniert, der Liefertermin für Auftrag {order} steht.",
            "Laut {t} liegt die Vertragsverlängerung noch beim Einkauf von {company}.",
            "Kannst du {g2} bitten, die unterschriebene Kopie bis {day} zu schicken?",
            "{p} ({email}) wartet noch auf die korrigierte Rechnung, bitte {q} in Kopie setzen.",
            "{g2} ist bis {date} im Urlaub, {q} übernimmt solange.",
            "Die Kundin {p} hat wegen der Erstattung zu {order} nochmal angerufen, Rückruf unter {phone}.",
            "Wie mit {p} besprochen, verschieben wir den Kick-off auf den {date}.",
        ],
        "close": ["Viele Grüße", "Beste Grüße", "Danke und Gruß", "Mit freundlichen Grüßen"],
        "subj": ["AW: Auftrag {order}", "Rückfrage Erstattung", "WG: Beschwerde", "Termin {date}"],
    },
    "fr": {
        "greet": ["Bonjour {g},", "Chère/Cher {g},", "Bonjour {t},", "Madame, Monsieur,"],
        "body": [
            "j'ai eu {p} au téléphone hier, la livraison de la commande {order} est confirmée.",
            "D'après {t}, le renouvellement est toujours chez les achats de {company}.",
            "Peux-tu demander à {g2} d'envoyer l'exemplaire signé avant {day} ?",
            "Merci d'envoyer la facture corrigée à {p} ({email}) avec {q} en copie.",
            "{g2} est absent(e) jusqu'au {date}, {q} assure le suivi.",
            "La cliente {p} a rappelé au sujet du remboursement de {order}, joignable au {phone}.",
            "Comme convenu avec {p}, le lancement est décalé au {date}.",
        ],
        "close": ["Bien cordialement,", "Merci d'avance,", "Belle journée,", "Cordialement,"],
        "subj": ["RE: commande {order}", "Suivi remboursement", "TR: réclamation client"],
    },
    "es": {
        "greet": ["Hola {g}:", "Estimado/a {t}:", "Buenos días, {g}:", "Hola {g},"],
        "body": [
            "ayer hablé con {p} y confirmó la nueva fecha de entrega del pedido {order}.",
            "Según {t}, la renovación sigue en el departamento de compras de {company}.",
            "¿Puedes pedirle a {g2} que envíe la copia firmada antes del {day}?",
            "Por favor, manda la factura corregida a {p} ({email}) con copia a {q}.",
            "{g2} está de vacaciones hasta el {date}; {q} se encarga mientras tanto.",
            "La clienta {p} volvió a llamar por el reembolso de {order}; su teléfono es {phone}.",
            "Tal como acordamos con {p}, movemos la reunión inicial al {date}.",
        ],
        "close": ["Un saludo,", "Saludos cordiales,", "Gracias,", "Atentamente,"],
        "subj": ["RE: pedido {order}", "Reembolso pendiente", "RV: queja de cliente"],
    },
    "pt": {
        "greet": ["Olá {g},", "Prezado(a) {t},", "Bom dia, {g}!", "Oi {g},"],
        "body": [
            "falei ontem com {p} e ela confirmou a nova data de entrega do pedido {order}.",
            "Segundo {t}, a renovação ainda está com o setor de compras da {company}.",
            "Você pode pedir para {g2} enviar a cópia assinada até {day}?",
            "Favor enviar a nota corrigida para {p} ({email}) com cópia para {q}.",
            "{g2} está de férias até {date}; {q} assume nesse período.",
            "A cliente {p} ligou de novo sobre o reembolso do pedido {order}; telefone {phone}.",
        ],
        "close": ["Abraços,", "Atenciosamente,", "Obrigado,", "Att.,"],
        "subj": ["RE: pedido {order}", "Reembolso", "ENC: reclamação"],
    },
    "it": {
        "greet": ["Ciao {g},", "Gentile {t},", "Buongiorno {g},"],
        "body": [
            "ieri ho sentito {p}, la consegna dell'ordine {order} è confermata.",
            "Secondo {t} il rinnovo è ancora all'ufficio acquisti di {company}.",
            "Puoi chiedere a {g2} di mandare la copia firmata entro {day}?",
            "Per favore invia la fattura corretta a {p} ({email}) e metti {q} in copia.",
            "{g2} è in ferie fino al {date}, nel frattempo se ne occupa {q}.",
            "La cliente {p} ha richiamato per il rimborso dell'ordine {order}: tel. {phone}.",
        ],
        "close": ["Un saluto,", "Cordiali saluti,", "Grazie mille,", "A presto,"],
        "subj": ["R: ordine {order}", "Rimborso in sospeso", "I: reclamo cliente"],
    },
    "nl": {
        "greet": ["Hoi {g},", "Beste {g},", "Geachte {t},"],
        "body": [
            "ik heb gisteren {p} gesproken, de levering van order {order} is bevestigd.",
            "Volgens {t} ligt de verlenging nog bij inkoop van {company}.",
            "Kun je {g2} vragen de getekende kopie voor {day} te sturen?",
            "Stuur de gecorrigeerde factuur naar {p} ({email}) en zet {q} in de cc.",
            "{g2} is tot {date} met vakantie, {q} neemt het over.",
            "Klant {p} belde opnieuw over de terugbetaling van {order}, bereikbaar op {phone}.",
        ],
        "close": ["Groet,", "Met vriendelijke groet,", "Dank je,", "Groetjes,"],
        "subj": ["RE: order {order}", "Terugbetaling", "FW: klacht"],
    },
    "pl": {
        "greet": ["Cześć {g},", "Dzień dobry {t},", "Szanowna Pani / Szanowny Panie,"],
        "body": [
            "wczoraj rozmawiałem z {p}, termin dostawy zamówienia {order} jest potwierdzony.",
            "Według {t} przedłużenie umowy jest nadal w dziale zakupów {company}.",
            "Czy możesz poprosić {g2} o przesłanie podpisanej kopii do {day}?",
            "Proszę wysłać poprawioną fakturę do {p} ({email}), {q} w kopii.",
            "Klientka {p} dzwoniła ponownie w sprawie zwrotu za {order}, telefon {phone}.",
        ],
        "close": ["Pozdrawiam,", "Z poważaniem,", "Dzięki,"],
        "subj": ["RE: zamówienie {order}", "Zwrot środków"],
    },
    "sv": {
        "greet": ["Hej {g}!", "Hej {g},", "Hejsan {g},"],
        "body": [
            "jag pratade med {p} igår, leveransen av order {order} är bekräftad.",
            "Enligt {p} ligger förlängningen fortfarande hos inköp på {company}.",
            "Kan du be {g2} skicka det påskrivna avtalet före {day}?",
            "Skicka den rättade fakturan till {p} ({email}) och sätt {q} på kopia.",
            "Kunden {p} ringde igen om återbetalningen för {order}, nås på {phone}.",
        ],
        "close": ["Mvh", "Vänliga hälsningar", "Tack!"],
        "subj": ["SV: order {order}", "Återbetalning"],
    },
    "tr": {
        "greet": ["Merhaba {g},", "Sayın {p},", "Selam {g},"],
        "body": [
            "dün {p} ile görüştüm, {order} numaralı siparişin teslim tarihi kesinleşti.",
            "{t} söylediğine göre sözleşme yenilemesi hâlâ {company} satın alma biriminde.",
            "{g2} imzalı kopyayı {day} gününe kadar gönderebilir mi?",
            "Düzeltilmiş faturayı {p} ({email}) adresine gönderin, {q} bilgide olsun.",
            "Müşterimiz {p} iade için tekrar aradı, telefon: {phone}.",
        ],
        "close": ["Saygılarımla,", "İyi çalışmalar,", "Teşekkürler,"],
        "subj": ["YNT: sipariş {order}", "İade talebi"],
    },
    "ja": {
        "greet": ["{t}", "{p}", "お疲れ様です。"],
        "body": [
            "昨日{p}と電話で話し、注文{order}の納期を確認しました。",
            "{t}によると、契約更新はまだ{company}の購買部で止まっているそうです。",
            "{q}に署名済みの書類を{day}までに送っていただくようお願いできますか。",
            "修正した請求書を{p}（{email}）宛に送付し、{q}をCCに入れてください。",
            "お客様の{p}から返金の件で再度お電話がありました。連絡先は{phone}です。",
        ],
        "close": ["よろしくお願いいたします。", "以上、よろしくお願いします。"],
        "subj": ["Re: 注文{order}について", "返金の件", "打ち合わせ日程"],
    },
    "zh": {
        "greet": ["{t}，您好：", "{p}：", "各位好："],
        "body": [
            "昨天和{p}通了电话，订单{order}的交货时间已经确认。",
            "据{t}说，续约还在{company}采购部审批中。",
            "麻烦请{q}在{day}之前把签好的合同发过来。",
            "请把更正后的发票发给{p}（{email}），并抄送{q}。",
            "客户{p}又来电询问订单{order}的退款，联系电话{phone}。",
        ],
        "close": ["谢谢！", "此致敬礼", "辛苦了，谢谢。"],
        "subj": ["回复：订单{order}", "退款进度", "会议安排"],
    },
    "ko": {
        "greet": ["{t} 안녕하세요.", "{p}, 안녕하세요.", "안녕하세요."],
        "body": [
            "어제 {p}와 통화했고 주문 {order} 납기를 확인했습니다.",
            "{t} 말씀으로는 계약 갱신이 아직 {company} 구매팀에 있다고 합니다.",
            "{q}께 서명본을 {day}까지 보내 달라고 요청해 주시겠어요?",
            "수정된 청구서를 {p}({email})께 보내고 {q}를 참조로 넣어 주세요.",
            "고객 {p}께서 주문 {order} 환불 건으로 다시 전화하셨습니다. 연락처는 {phone}입니다.",
        ],
        "close": ["감사합니다.", "잘 부탁드립니다."],
        "subj": ["RE: 주문 {order} 건", "환불 문의"],
    },
}

DAYS = {"en": WEEKDAYS, "de": ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag"],
        "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi"], "es": ["lunes", "martes", "miércoles", "jueves", "viernes"],
        "pt": ["segunda-feira", "terça-feira", "quarta-feira", "sexta-feira"], "it": ["lunedì", "martedì", "giovedì", "venerdì"],
        "nl": ["maandag", "dinsdag", "donderdag", "vrijdag"], "pl": ["poniedziałku", "środy", "piątku"],
        "sv": ["måndag", "tisdag", "fredag"], "tr": ["Pazartesi", "Çarşamba", "Cuma"], "ja": ["月曜日", "水曜日", "金曜日"],
        "zh": ["周一", "周三", "周五"], "ko": ["월요일", "수요일", "금요일"]}
CITY_ALONE = ["Berlin", "Lagos", "Osaka", "Manchester", "Porto", "Kraków", "Lyon", "Utrecht", "Göteborg", "Izmir",
              "Pune", "Nairobi", "Denver", "Seville", "Turin", "Hanoi", "Shenzhen", "Busan"]


def sentence_kw(rng, lang, ps, country):
    p, q, g2 = ps[0], ps[1], ps[2]
    return dict(p=mention(rng, p, lang, "full" if rng.random() < 0.6 else "render"), q=mention(rng, q, lang),
                t=mention(rng, p, lang, "title"), g2=mention(rng, g2, lang, "given"),
                company=rng.choice(COMPANIES), day=rng.choice(DAYS[lang]), date=some_date(rng, lang),
                email=(p.email(rng), "EMAIL"), phone=(phone(rng, country), "PHONE"), order=order_no(rng),
                codename=rng.choice(CODENAMES), city=rng.choice(CITY_ALONE), g=mention(rng, ps[3], lang, "given"))


def header_name(rng, p, lang):
    if p.origin in CJK and (lang in CJK or rng.random() < 0.3):
        return p.native(rng)
    return rng.choice([p.full(), p.full(), p.render(rng, "last_comma"), p.render(rng, "middle")])


def k_email(rng, lang):
    pack = EMAIL_PACK[lang]
    ps = people(rng, 6, lang)
    country = LANG_COUNTRY[lang] or person_country(rng, ps[0])
    sender, rcpt = ps[4], ps[3]
    dom = company_domain(rng)
    t = Text()
    kw = sentence_kw(rng, lang, ps, country)
    if rng.random() < 0.8:
        fill(t, "From: \"{n}\" <{e}>\n", n=P(header_name(rng, sender, lang)), e=(sender.email(rng, dom), "EMAIL"))
        fill(t, "To: {n} <{e}>\n", n=P(header_name(rng, rcpt, lang)), e=(rcpt.email(rng, dom), "EMAIL"))
        if rng.random() < 0.6:
            t.add("Cc: ")
            for i, c in enumerate(people(rng, rng.randrange(1, 4), lang)):
                fill(t, "{s}{n} <{e}>", s=", " if i else "", n=P(header_name(rng, c, lang)), e=(c.email(rng, dom), "EMAIL"))
            t.add(f", {rng.choice(ROLE_MAILS)}@{dom}\n" if rng.random() < 0.4 else "\n")
        t.add(f"Date: {rng.choice(WEEKDAYS)[:3]}, {rng.randrange(1, 28)} {rng.choice(MONTHS)[:3]} 2025 {rng.randrange(7, 19):02d}:{rng.randrange(60):02d}\n")
        fill(t, "Subject: " + rng.choice(pack["subj"]) + "\n\n", **kw)
    greet_kw = dict(kw, t=mention(rng, rcpt, lang, "title"), p=mention(rng, rcpt, lang, "full"))
    fill(t, rng.choice(pack["greet"]) + "\n\n", **greet_kw)
    for s in rng.sample(pack["body"], rng.randrange(2, min(5, len(pack["body"])) + 1)):
        kw = sentence_kw(rng, lang, ps, country)
        fill(t, s + " ", **kw)
    t.add("\n\n" + rng.choice(pack["close"]) + "\n")
    sig_name = sender.native(rng) if sender.origin in CJK and lang in CJK else rng.choice([sender.full(), sender.g, sender.full()])
    t.add(sig_name, "PERSON")
    if rng.random() < 0.6:
        t.add(f"\n{rng.choice(['Account Manager', 'Customer Success', 'Operations Lead', 'Key Account', 'Sales Engineer'])} | {rng.choice(COMPANIES)}\n")
        fill(t, "{ph}\n", ph=(phone(rng, country or "uk"), "PHONE"))
    return t, ["customer_data"]


# ---- chat ----------------------------------------------------------------------------------------

CHAT_LINES = {
    "en": ["pushed the fix to staging", "can someone review {pr}?", "thanks {g}!", "@{g} can you check the export for {c}?",
           "on it", "spoke with {p} from the customer side yesterday, they want the refund by {day}",
           "lol yes", "{g}: merged", "who owns the {codename} dashboard?", "ask {g}, they set it up",
           "heads up: {p} ({e}) is the new contact at {company}", "according to {t} the invoice was paid",
           "I'll ping {g} after standup", "ok thanks, {g}", "+1", "meeting moved to {day}",
           "customer {p} called again, number {ph}", "{g} and {g3} are out today"],
    "de": ["Fix ist auf Staging", "danke {g}!", "@{g} kannst du dir den Export für {c} anschauen?", "mach ich",
           "hab gestern mit {p} gesprochen, die wollen die Gutschrift bis {day}", "frag {g}, die Person hat das aufgesetzt",
           "laut {t} ist die Rechnung bezahlt", "Kundin {p} hat nochmal angerufen: {ph}", "{g} ist heute krank… äh, nicht da"],
    "fr": ["fix poussé en recette", "merci {g} !", "@{g} tu peux vérifier l'export pour {c} ?", "je m'en occupe",
           "j'ai eu {p} hier, ils veulent l'avoir pour {day}", "demande à {g}, c'est lui/elle qui l'a configuré",
           "selon {t} la facture est réglée", "le client {p} a rappelé : {ph}"],
    "es": ["subido el fix a staging", "¡gracias {g}!", "@{g} ¿puedes revisar la exportación de {c}?", "voy",
           "hablé ayer con {p}, quieren el reembolso para el {day}", "pregúntale a {g}", "según {t} la factura está pagada",
           "el cliente {p} volvió a llamar: {ph}"],
    "pt": ["subi a correção em homologação", "valeu {g}!", "@{g} consegue olhar a exportação do {c}?", "deixa comigo",
           "falei ontem com {p}, querem o reembolso até {day}", "pergunta pro {g}", "o cliente {p} ligou de novo: {ph}"],
    "it": ["fix rilasciato in staging", "grazie {g}!", "@{g} puoi controllare l'export di {c}?", "ci penso io",
           "ho sentito {p} ieri, vogliono il rimborso entro {day}", "chiedi a {g}", "il cliente {p} ha richiamato: {ph}"],
    "nl": ["fix staat op staging", "dank je {g}!", "@{g} kun jij de export van {c} checken?", "pak ik op",
           "gisteren {p} gesproken, ze willen de terugbetaling voor {day}", "vraag het {g}", "klant {p} belde weer: {ph}"],
    "pl": ["poprawka jest na stagingu", "dzięki {g}!", "@{g} możesz sprawdzić eksport dla {c}?", "biorę to",
           "rozmawiałem wczoraj z {p}, chcą zwrot do {day}", "klient {p} znowu dzwonił: {ph}"],
    "sv": ["fixen ligger i staging", "tack {g}!", "@{g} kan du kolla exporten för {c}?", "jag tar det",
           "pratade med {p} igår, de vill ha återbetalningen till {day}", "kunden {p} ringde igen: {ph}"],
    "tr": ["düzeltme staging'de", "teşekkürler {g}!", "@{g} {c} için dışa aktarımı kontrol eder misin?", "bakıyorum",
           "dün {p} ile konuştum, iadeyi {day} gününe kadar istiyorlar", "müşteri {p} tekrar aradı: {ph}"],
    "ja": ["ステージングに修正を反映しました", "{g}さん、ありがとうございます！", "@{g} {c}のエクスポート確認お願いできますか",
           "了解です", "昨日{p}と話しました。{day}までに返金希望とのこと", "お客様の{p}から再度電話あり：{ph}"],
    "zh": ["修复已经发到测试环境", "谢谢{g}！", "@{g} 帮忙看一下{c}的导出", "收到", "昨天和{p}聊过，他们希望{day}前退款",
           "客户{p}又打电话来了：{ph}"],
    "ko": ["스테이징에 수정 반영했습니다", "{g}님 감사합니다!", "@{g} {c} 내보내기 확인 부탁드려요", "넵",
           "어제 {p}와 통화했는데 {day}까지 환불 원하신대요", "고객 {p}께서 다시 전화하셨어요: {ph}"],
}
BOT_LINES = ["Deploy #{n} succeeded", "Build {n} failed on main", "Reminder: standup in 5 minutes",
             "New ticket SUP-{n} assigned", "PagerDuty: incident {n} resolved"]


def chat_name(rng, p, lang):
    if p.origin in CJK and lang in CJK:
        return p.gn if p.origin == "ko" and rng.random() < 0.5 else p.native()
    return p.g


def k_chat(rng, lang):
    team = people(rng, rng.randrange(3, 6), lang)
    ext = people(rng, 2, lang)
    country = LANG_COUNTRY[lang] or person_country(rng, ext[0])
    style = rng.choice(["bracket", "colon", "slack", "teams"])
    t = Text()
    h, m = rng.randrange(8, 17), rng.randrange(60)
    lines = CHAT_LINES[lang]
    for _ in range(rng.randrange(6, 13)):
        m += rng.randrange(1, 7)
        ts = f"{h + m // 60:02d}:{m % 60:02d}"
        if rng.random() < 0.12:
            spk, txt = rng.choice(["Bot", "Jenkins", "GitHub", "PagerDuty", "Support", "Agent"]), rng.choice(BOT_LINES).replace("{n}", digits(rng, 4))
            sp = [spk]
            body = [txt]
        else:
            a = rng.choice(team)
            sp = [P(chat_name(rng, a, lang))]
            tpl = rng.choice(lines)
            g_target = rng.choice([x for x in team if x is not a])
            body = (tpl, dict(g=P(chat_name(rng, g_target, lang)), g3=P(chat_name(rng, rng.choice(team), lang)),
                              p=mention(rng, ext[0], lang, "full"), t=mention(rng, ext[1], lang, "title"),
                              e=(ext[0].email(rng), "EMAIL"), ph=(phone(rng, country), "PHONE"),
                              c=rng.choice(COMPANIES), company=rng.choice(COMPANIES), day=rng.choice(DAYS[lang]),
                              codename=rng.choice(CODENAMES), pr=f"PR #{digits(rng, 4)}"))
        if style == "bracket":
            t.add(f"[{ts}] ")
            for x in sp:
                t.add(*x) if isinstance(x, tuple) else t.add(x)
            t.add(": ")
        elif style == "colon":
            for x in sp:
                t.add(*x) if isinstance(x, tuple) else t.add(x)
            t.add(": ")
        elif style == "slack":
            for x in sp:
                t.add(*x) if isinstance(x, tuple) else t.add(x)
            t.add(f"  {ts}\n")
        else:
            for x in sp:
                t.add(*x) if isinstance(x, tuple) else t.add(x)
            t.add(f", {ts}\n")
        if isinstance(body, tuple):
            fill(t, body[0], **body[1])
        else:
            t.add(body[0])
        t.add("\n")
    return t, ["customer_data"]


# ---- structured pastes: tables, payloads, code -----------------------------------------------------

def _cells(p, rng):
    """given, family as written in separate cells (CJK in native script half of the time)."""
    if p.origin in CJK and rng.random() < 0.5:
        return p.gn, p.sn
    return p.g, (f"{p.s} {p.s2}" if p.s2 else p.s)


def k_crm_csv(rng, lang):
    ps = people(rng, rng.randrange(4, 9), lang)
    sep = rng.choice([",", ";", "\t", "|"])
    hdr = rng.choice([["first_name", "last_name", "email", "phone", "city", "plan"],
                      ["Vorname", "Nachname", "E-Mail", "Telefon", "Ort", "Tarif"],
                      ["Name", "Surname", "Email", "Phone", "City", "Tier"],
                      ["prénom", "nom", "courriel", "téléphone", "ville", "offre"]])
    t = Text()
    t.add(sep.join(hdr) + "\n")
    for p in ps:
        g, s = _cells(p, rng)
        c = person_country(rng, p)
        t.add(g, "PERSON").add(sep).add(s, "PERSON").add(sep).add(p.email(rng), "EMAIL").add(sep)
        t.add(phone(rng, c), "PHONE").add(sep + rng.choice(CITY_ALONE) + sep + rng.choice(["Free", "Pro", "Team", "Enterprise"]) + "\n")
    return t, ["customer_data"]


def k_fullname_tsv(rng, lang):
    """One name column in surname-first or upper-case form, as exported from ERP systems."""
    ps = people(rng, rng.randrange(4, 9), lang)
    form = rng.choice(["last_comma", "upper_last", "upper_full", "initials", "full", None])
    t = Text()
    t.add(rng.choice(["customer_no\tname\tdate_of_birth\tstatus\n", "Kd-Nr.\tName\tGeburtsdatum\tStatus\n",
                      "member_id\tfull_name\tdob\tstate\n"]))
    for p in ps:
        nm = p.render(rng, form) if form else p.render(rng)
        if "\t" in nm:
            nm = nm.replace("\t", " ")
        t.add(f"{rng.randrange(10000, 99999)}\t").add(nm, "PERSON").add("\t")
        t.add(dob(rng, "de" if "Geburtsdatum" in t.text() else "en"), "DATE_OF_BIRTH")
        t.add("\t" + rng.choice(["active", "lapsed", "pending", "closed"]) + "\n")
    return t, ["customer_data"]


def jstr(s):
    return s.replace("\\", "\\\\").replace('"', '\\"')


def k_json_profile(rng, lang):
    p = Person(rng, None, lang)
    c = person_country(rng, p)
    t = Text()
    style = rng.choice(["split", "full", "nested"])
    t.add('{\n  "id": "usr_' + core.rand_chars(rng, _ALNUM, 14) + '",\n')
    if style == "split":
        g, s = _cells(p, rng)
        t.add('  "firstName": "').add(jstr(g), "PERSON").add('",\n  "lastName": "').add(jstr(s), "PERSON").add('",\n')
    else:
        t.add('  "displayName": "').add(jstr(p.render(rng)), "PERSON").add('",\n')
    t.add('  "email": "').add(p.email(rng), "EMAIL").add('",\n')
    t.add('  "phone": "').add(phone(rng, c), "PHONE").add('",\n')
    if style == "nested" or rng.random() < 0.5:
        t.add('  "shipping": {"line": "').add(jstr(address(rng, c)), "ADDRESS").add('", "country": "' + c.upper()[:2] + '"},\n')
    t.add('  "company": "' + jstr(rng.choice(COMPANIES)) + '",\n')
    t.add('  "roles": ["' + rng.choice(["viewer", "editor", "owner"]) + '"],\n  "createdAt": "2024-0' + str(rng.randrange(1, 10)) + '-1' + str(rng.randrange(10)) + 'T08:00:00Z"\n}\n')
    pre = rng.choice(["", "Why does this response fail schema validation?\n\n", "GET /api/v2/users/me returned:\n"])
    t2 = Text()
    t2.add(pre)
    off = len(pre.encode())
    t2.parts += t.parts
    t2.spans += [{"type": s["type"], "start": s["start"] + off, "end": s["end"] + off} for s in t.spans]
    t2.size += t.size
    return t2, ["customer_data", "source_code"]


def k_yaml_fixture(rng, lang):
    ps = people(rng, rng.randrange(2, 5), lang)
    t = Text()
    t.add("# fixtures/users.yml — seeded from a prod snapshot, do not commit\n")
    t.add("users:\n")
    for p in ps:
        t.add(f"  - id: {rng.randrange(100, 999)}\n    name: ")
        nm = p.render(rng)
        q = rng.random() < 0.5
        t.add('"' if q else "").add(nm if q or "," not in nm else p.full(), "PERSON").add('"\n' if q else "\n")
        t.add("    email: ").add(p.email(rng), "EMAIL").add("\n")
        t.add(f"    locale: {rng.choice(['en-GB', 'de-DE', 'fr-FR', 'ja-JP', 'pt-BR'])}\n    class_name: {rng.choice(['AccountHolder', 'Member', 'Guest'])}\n")
    return t, ["source_code"]


def xesc(s):
    return s.replace("&", "&amp;").replace("'", "&apos;").replace('"', "&quot;").replace("<", "&lt;")


def k_xml(rng, lang):
    ps = people(rng, rng.randrange(1, 4), lang)
    t = Text()
    t.add('<?xml version="1.0" encoding="UTF-8"?>\n<Customers exportedBy="Siemens SAP bridge">\n')
    for p in ps:
        c = person_country(rng, p)
        if rng.random() < 0.5:
            t.add(f'  <Customer id="C{digits(rng, 6)}" name="').add(xesc(p.render(rng)), "PERSON").add('">\n')
        else:
            g, s = _cells(p, rng)
            t.add(f'  <Customer id="C{digits(rng, 6)}">\n    <GivenName>').add(xesc(g), "PERSON").add("</GivenName>\n    <FamilyName>").add(xesc(s), "PERSON").add("</FamilyName>\n")
        t.add("    <Email>").add(p.email(rng), "EMAIL").add("</Email>\n    <PostalAddress>").add(xesc(address(rng, c)), "ADDRESS").add("</PostalAddress>\n")
        t.add("  </Customer>\n")
    t.add("</Customers>\n")
    return t, ["customer_data"]


def k_sql_insert(rng, lang):
    ps = people(rng, rng.randrange(2, 6), lang)
    t = Text()
    t.add(rng.choice(["-- backfill for TICKET-" + digits(rng, 4) + "\n", "", "why does this insert violate the unique constraint?\n\n"]))
    t.add("INSERT INTO customers (id, first_name, last_name, email, phone, date_of_birth) VALUES\n")
    for i, p in enumerate(ps):
        g, s = _cells(p, rng)
        t.add(f"  ({1000 + i}, '").add(g.replace("'", "''"), "PERSON").add("', '").add(s.replace("'", "''"), "PERSON").add("', '")
        t.add(p.email(rng), "EMAIL").add("', '").add(phone(rng, person_country(rng, p)), "PHONE").add("', '")
        t.add(f"{rng.randrange(1950, 2004)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}", "DATE_OF_BIRTH")
        t.add("')" + (",\n" if i < len(ps) - 1 else ";\n"))
    return t, ["source_code", "customer_data"]


def k_py_fixture(rng, lang):
    ps = people(rng, 2, lang)
    cls = rng.choice(["Fletcher", "Turner", "Baker", "Hoffmann", "Kowalczyk", "Mercer"])
    t = Text()
    t.add("import pytest\n\nfrom billing.models import Customer, Invoice\n\n\n")
    t.add(f"class {cls}Strategy:\n    \"\"\"Rounding strategy named after the {cls} rule.\"\"\"\n\n\n")
    t.add("@pytest.fixture\ndef customer():\n    return Customer(\n        name=\"").add(ps[0].full(), "PERSON").add("\",\n")
    t.add("        email=\"").add(ps[0].email(rng), "EMAIL").add("\",\n        billing_address=\"").add(
        jstr(address(rng, person_country(rng, ps[0]))).replace("\n", "\\n"), "ADDRESS").add("\",\n    )\n\n\n")
    t.add("def test_invoice_greeting(customer):\n    inv = Invoice(customer=customer, contact=\"").add(ps[1].render(rng, "last_comma"), "PERSON").add("\")\n")
    t.add("    assert inv.greeting().startswith(\"Dear \")\n")
    if rng.random() < 0.5:
        t.add("\n\ndef test_placeholder():\n    # docs example, not a real customer\n    assert Customer(name=\"" + rng.choice(["John Doe", "Jane Doe", "Max Mustermann"]) + "\").is_valid()\n")
    return t, ["source_code"]


def k_http(rng, lang):
    p = Person(rng, None, lang)
    c = person_country(rng, p)
    t = Text()
    t.add("curl -X POST https://api." + company_domain(rng) + "/v1/signups \\\n  -H 'Content-Type: application/json' \\\n  -d '{")
    t.add('"full_name":"').add(jstr(p.full()).replace("'", "'\\''"), "PERSON").add('","email":"').add(p.email(rng), "EMAIL")
    t.add('","phone":"').add(phone(rng, c), "PHONE").add('","referrer":"' + rng.choice(["newsletter", "partner", "ads"]) + '"}\'\n\n')
    t.add(rng.choice(["returns 422, what is wrong with the body?\n", "HTTP/1.1 201 Created\n", "works locally, times out in prod\n"]))
    return t, ["source_code", "customer_data"]


def k_app_log(rng, lang):
    ps = people(rng, rng.randrange(2, 5), lang)
    t = Text()
    for _ in range(rng.randrange(5, 10)):
        ts = f"2025-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}Z"
        lvl = rng.choice(["INFO", "INFO", "WARN", "ERROR", "DEBUG"])
        if rng.random() < 0.65:
            p = rng.choice(ps)
            style = rng.randrange(3)
            t.add(f"{ts} {lvl} ")
            if style == 0:
                t.add("checkout.payment user_name=\"").add(p.full(), "PERSON").add("\" email=").add(p.email(rng), "EMAIL").add(f" amount={rng.randrange(5, 900)}.{rng.randrange(10, 99)} status=declined\n")
            elif style == 1:
                t.add('{"msg":"profile updated","actor":"').add(p.render(rng), "PERSON").add(f'","ip":"').add(f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}", "IP_ADDRESS").add('"}\n')
            else:
                t.add("[auth] login ok for ").add(p.email(rng), "EMAIL").add(" (").add(p.full(), "PERSON").add(")\n")
        else:
            t.add(f"{ts} {lvl} " + rng.choice(["scheduler tick", "cache warmup done in 412ms", "GC pause 38ms",
                                               "retrying queue consumer orders-v2", "health check ok"]) + "\n")
    return t, ["customer_data"]


def k_git_log(rng, lang):
    ps = people(rng, rng.randrange(2, 4), lang)
    t = Text()
    for _ in range(rng.randrange(2, 5)):
        p = rng.choice(ps)
        t.add(f"commit {core.rand_chars(rng, '0123456789abcdef', 40)}\nAuthor: ")
        t.add(p.native() if p.origin in CJK and rng.random() < 0.4 else p.full(), "PERSON").add(" <").add(p.email(rng, rng.choice(WORK_DOMAINS)), "EMAIL").add(">\n")
        t.add(f"Date:   {rng.choice(WEEKDAYS)[:3]} {rng.choice(MONTHS)[:3]} {rng.randrange(1, 28)} {rng.randrange(24):02d}:{rng.randrange(60):02d}:11 2025 +0100\n\n    ")
        t.add(rng.choice(["fix: handle empty cart in checkout", "chore: bump serde to 1.0.210", "feat(api): add pagination to /orders",
                          "refactor: split InvoiceRenderer", "docs: explain retry policy"]) + "\n")
        if rng.random() < 0.4:
            co = rng.choice([x for x in ps if x is not p] or ps)
            t.add("\n    Co-authored-by: ").add(co.full(), "PERSON").add(" <").add(co.email(rng, rng.choice(WORK_DOMAINS)), "EMAIL").add(">\n")
        t.add("\n")
    return t, ["source_code"]


def k_ics(rng, lang):
    org = Person(rng, None, lang)
    att = people(rng, rng.randrange(2, 5), lang)
    dom = company_domain(rng)
    t = Text()
    t.add("BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\n")
    t.add(f"SUMMARY:{rng.choice(CODENAMES)} contract review with {rng.choice(COMPANIES)}\n")
    t.add(f"DTSTART:2025{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}T{rng.randrange(8, 17):02d}0000Z\n")
    t.add("ORGANIZER;CN=").add(org.full(), "PERSON").add(":mailto:").add(org.email(rng, dom), "EMAIL").add("\n")
    for a in att:
        t.add("ATTENDEE;ROLE=REQ-PARTICIPANT;CN=").add(header_name(rng, a, lang).replace(",", ""), "PERSON").add(":mailto:").add(a.email(rng, dom), "EMAIL").add("\n")
    t.add(f"LOCATION:Room {rng.choice(['Ada', 'Turing', 'Hopper', 'Curie'])} / Teams\nEND:VEVENT\nEND:VCALENDAR\n")
    return t, ["customer_data"]


def k_vcard(rng, lang):
    p = Person(rng, None, lang)
    c = person_country(rng, p)
    t = Text()
    g, s = _cells(p, rng)
    t.add("BEGIN:VCARD\nVERSION:3.0\nN:").add(s, "PERSON").add(";").add(g, "PERSON").add(";;;\nFN:").add(p.native() if p.origin in CJK else p.full(), "PERSON")
    t.add(f"\nORG:{rng.choice(COMPANIES)}\nTEL;TYPE=CELL:").add(phone(rng, c), "PHONE").add("\nEMAIL:").add(p.email(rng), "EMAIL")
    t.add("\nADR;TYPE=HOME:;;").add(address(rng, c).replace("\n", ", "), "ADDRESS").add("\nEND:VCARD\n")
    return t, ["customer_data"]


def k_shipping_label(rng, lang):
    p = Person(rng, None, lang)
    c = person_country(rng, p)
    t = Text()
    t.add(rng.choice(["SHIP TO:\n", "Deliver to:\n", "Empfänger:\n", "Destinataire :\n"]))
    t.add(p.render(rng, rng.choice(["upper_full", "full", "full"])), "PERSON").add("\n")
    if rng.random() < 0.3:
        t.add("c/o " + rng.choice(COMPANIES) + "\n")
    t.add(address(rng, c, multiline=True), "ADDRESS").add("\nTel: ").add(phone(rng, c), "PHONE").add("\n")
    t.add(f"Tracking: 1Z{core.rand_chars(rng, string.ascii_uppercase + string.digits, 16)}  Weight: {rng.randrange(1, 30)}.{rng.randrange(10)} kg\n")
    t.add("FROM: " + rng.choice(COMPANIES) + " fulfilment, " + rng.choice(CITY_ALONE) + "\n")
    return t, ["customer_data"]


def k_ticket(rng, lang):
    rep, asg, cust = people(rng, 3, lang)
    c = person_country(rng, cust)
    t = Text()
    t.add(f"SUP-{digits(rng, 5)}  {rng.choice(['Refund not received', 'Cannot log in after password reset', 'Wrong delivery address', 'Double charge'])}\n")
    t.add("Reporter: ").add(rep.full(), "PERSON").add("    Assignee: ").add(asg.render(rng, rng.choice(["full", "last_comma", "initials"])), "PERSON").add("\n")
    t.add(f"Priority: {rng.choice(['P2', 'P3', 'Major'])}   Component: {rng.choice(CODENAMES)}\n\nDescription:\n")
    t.add("Customer ").add(cust.full(), "PERSON").add(" (").add(cust.email(rng), "EMAIL").add(") says the parcel went to their old address. New address: ")
    t.add(address(rng, c), "ADDRESS").add(".\n\n")
    t.add("Comments:\n").add(asg.g, "PERSON").add(": reached out by phone (").add(phone(rng, c), "PHONE").add("), waiting on carrier.\n")
    t.add("Support: auto-reply sent.\n")
    t.add(rep.g, "PERSON").add(": @").add(asg.g.split(" ")[0], "PERSON").add(" any update? Customer is angry.\n")
    return t, ["customer_data"]


def k_support_transcript(rng, lang):
    cust, agent = people(rng, 2, lang)
    c = person_country(rng, cust)
    spk_c = rng.choice(["Customer", "Visitor", "You"])
    spk_a = rng.choice(["Agent", "Support", "Bot"])
    t = Text()
    t.add(f"Chat transcript #{digits(rng, 7)}\n\n{spk_a}: Hi, thanks for contacting us! May I have your full name?\n")
    t.add(f"{spk_c}: ").add(cust.render(rng, rng.choice(["full", "full", "middle", "upper_full"])), "PERSON").add("\n")
    t.add(f"{spk_a}: Thanks, ").add(cust.g, "PERSON").add("! And the e-mail on the account?\n")
    t.add(f"{spk_c}: ").add(cust.email(rng), "EMAIL").add("\n")
    t.add(f"{spk_a}: I see the order to ").add(address(rng, c), "ADDRESS").add(". Is that still correct?\n")
    t.add(f"{spk_c}: yes. you can call me on ").add(phone(rng, c), "PHONE").add("\n")
    t.add("Agent ").add(agent.g, "PERSON").add(" joined the chat\n")
    t.add("Agent: ").add(agent.g, "PERSON").add(" here, I've issued the refund; it takes 3-5 working days.\n")
    return t, ["customer_data"]


def k_kyc(rng, lang):
    p = Person(rng, None, lang)
    c = person_country(rng, p)
    t = Text()
    t.add("KYC REVIEW — onboarding\n\n")
    t.add("Surname: ").add(p.s.upper(), "PERSON").add("\nGiven names: ").add((p.g + (" " + p.mid if p.mid and p.origin not in CJK + ("vi",) else "")).upper(), "PERSON").add("\n")
    t.add("Date of birth: ").add(dob(rng, "en"), "DATE_OF_BIRTH").add("\n")
    t.add("Passport no.: ").add(rng.choice(string.ascii_uppercase) + digits(rng, 8), "PASSPORT").add("\n")
    t.add("Residential address: ").add(address(rng, c), "ADDRESS").add("\n")
    t.add(f"Risk score: {rng.randrange(5, 60)}  PEP: no  Sanctions hit: no\nReviewer: ")
    r = Person(rng, None, "en")
    t.add(r.render(rng, "initials"), "PERSON").add("\n")
    return t, ["customer_data"]


def k_event_reg(rng, lang):
    ps = people(rng, rng.randrange(4, 9), lang)
    t = Text()
    t.add("| # | Attendee | Company | Dietary | Badge |\n|---|---|---|---|---|\n")
    for i, p in enumerate(ps, 1):
        t.add(f"| {i} | ").add(p.render(rng), "PERSON").add(f" | {rng.choice(COMPANIES)} | {rng.choice(['none', 'vegan', 'halal', 'gluten-free'])} | {rng.choice(['Speaker', 'Visitor', 'Press', 'Staff'])} |\n")
    t.add("\nBadges print on " + rng.choice(WEEKDAYS) + "; the venue is in " + rng.choice(CITY_ALONE) + ".\n")
    return t, ["customer_data"]


def k_hotel(rng, lang):
    p = Person(rng, None, lang)
    c = person_country(rng, p)
    t = Text()
    t.add(f"Booking confirmation {core.rand_chars(rng, string.ascii_uppercase + string.digits, 8)}\n")
    t.add("Guest: ").add(p.render(rng, rng.choice(["upper_last", "full", "last_comma"])), "PERSON").add("\n")
    t.add(f"Hotel: {rng.choice(['Hotel Adlon', 'The Savoy', 'Hotel Okura', 'Pestana Palace', 'NH Collection'])}, {rng.choice(CITY_ALONE)}\n")
    t.add(f"Check-in: {rng.choice(WEEKDAYS)} {rng.randrange(1, 28)} {rng.choice(MONTHS)}   Nights: {rng.randrange(1, 7)}\n")
    t.add("Mobile: ").add(phone(rng, c), "PHONE").add("\nE-mail: ").add(p.email(rng), "EMAIL").add("\n")
    if rng.random() < 0.4:
        t.add("Card guarantee: ").add(card(rng), "CREDIT_CARD").add(f" exp {rng.randrange(1, 13):02d}/{rng.randrange(26, 31)}\n")
    return t, ["customer_data"]


def k_env_creds(rng, lang):
    owner = Person(rng, None, lang)
    t = Text()
    t.add("# .env.production — owner: ").add(owner.g if rng.random() < 0.5 else owner.full(), "PERSON").add(", rotate quarterly\n")
    for k in rng.sample(["AWS", "STRIPE_KEY", "GITHUB_TOKEN", "SLACK_WEBHOOK", "OPENAI_API_KEY", "CONNECTION_STRING", "GENERIC_SECRET", "GOOGLE_API_KEY"], 4):
        typ, v = secret(rng, k)
        name = {"AWS_ACCESS_KEY": "AWS_ACCESS_KEY_ID", "STRIPE_KEY": "STRIPE_SECRET_KEY", "GITHUB_TOKEN": "GH_TOKEN",
                "SLACK_WEBHOOK": "SLACK_ALERTS_URL", "OPENAI_API_KEY": "OPENAI_API_KEY", "CONNECTION_STRING": "DATABASE_URL",
                "GENERIC_SECRET": "SENDGRID_API_KEY", "GOOGLE_API_KEY": "MAPS_API_KEY"}[typ]
        t.add(f"{name}=").add(v, typ).add("\n")
        if typ == "AWS_ACCESS_KEY":
            t.add("AWS_SECRET_ACCESS_KEY=").add(secret(rng, "AWS_SECRET_KEY")[1], "AWS_SECRET_KEY").add("\n")
    t.add("LOG_LEVEL=info\nREDIS_URL=redis://localhost:6379/0\n")
    return t, ["credentials", "source_code"]


def k_creds_chat(rng, lang):
    a, b = people(rng, 2, lang)
    typ, v = secret(rng, rng.choice(["PASSWORD", "PASSWORD", "GITHUB_TOKEN", "STRIPE_KEY", "JWT"]))
    t = Text()
    t.add(chat_name(rng, a, lang), "PERSON").add(": @").add(chat_name(rng, b, lang), "PERSON").add(" " + rng.choice(
        ["what's the staging admin password again?", "can you send me the token for the deploy bot?", "I'm locked out of the vault"]) + "\n")
    t.add(chat_name(rng, b, lang), "PERSON").add(": here you go: ").add(v, typ).add("\n")
    t.add(chat_name(rng, b, lang), "PERSON").add(": please don't paste it anywhere else lol\n")
    t.add(chat_name(rng, a, lang), "PERSON").add(": thanks ").add(chat_name(rng, b, lang), "PERSON").add("!\n")
    return t, ["credentials"]


# ---- HR ------------------------------------------------------------------------------------------

REVIEW = {
    "en": ("Performance review {year} — {emp}\nReviewer: {mgr}\n\n",
           ["{g} exceeded the Q3 targets and mentored {peer} through the {codename} migration.",
            "Feedback from {peer} and {peer2} describes {g} as calm under pressure.",
            "Areas to develop: delegation; {g} still reviews every change {peer} makes.",
            "Rating: 4 / 5. Recommended for promotion to Senior Analyst."],
           "{g} was on medical leave for {cond} in spring; targets were pro-rated."),
    "de": ("Mitarbeitergespräch {year} — {emp}\nFührungskraft: {mgr}\n\n",
           ["{g} hat die Ziele übertroffen und {peer} bei der Einarbeitung unterstützt.",
            "Laut {peer} und {peer2} bleibt {g} auch unter Druck ruhig.",
            "Entwicklungsfeld: Delegation. Gesamturteil: übertrifft die Erwartungen."],
           "{g} war im Frühjahr wegen {cond} krankgeschrieben; die Ziele wurden angepasst."),
    "fr": ("Entretien annuel {year} — {emp}\nManager : {mgr}\n\n",
           ["{g} a dépassé ses objectifs et a accompagné {peer} sur le projet {codename}.",
            "Selon {peer} et {peer2}, {g} reste calme sous pression.",
            "Axe de progrès : déléguer davantage. Note globale : 4/5."],
           "{g} a été en arrêt maladie pour {cond} au printemps."),
    "es": ("Evaluación de desempeño {year} — {emp}\nResponsable: {mgr}\n\n",
           ["{g} superó los objetivos y acompañó a {peer} en el proyecto {codename}.",
            "Según {peer} y {peer2}, {g} mantiene la calma bajo presión.",
            "Área de mejora: delegar. Valoración global: 4/5."],
           "{g} estuvo de baja médica por {cond} en primavera."),
    "pt": ("Avaliação de desempenho {year} — {emp}\nGestor(a): {mgr}\n\n",
           ["{g} superou as metas e apoiou {peer} no projeto {codename}.",
            "Segundo {peer} e {peer2}, {g} mantém a calma sob pressão.", "Nota geral: 4/5."],
           "{g} esteve afastado(a) por {cond} no primeiro semestre."),
    "it": ("Valutazione annuale {year} — {emp}\nResponsabile: {mgr}\n\n",
           ["{g} ha superato gli obiettivi e ha affiancato {peer} nel progetto {codename}.",
            "Secondo {peer} e {peer2}, {g} resta calmo/a sotto pressione.", "Valutazione complessiva: 4/5."],
           "{g} è stato/a in malattia per {cond} in primavera."),
    "nl": ("Beoordelingsgesprek {year} — {emp}\nLeidinggevende: {mgr}\n\n",
           ["{g} heeft de doelen overtroffen en {peer} ingewerkt op {codename}.",
            "Volgens {peer} en {peer2} blijft {g} rustig onder druk.", "Eindoordeel: goed."],
           "{g} was in het voorjaar ziek thuis vanwege {cond}."),
    "sv": ("Medarbetarsamtal {year} — {emp}\nChef: {mgr}\n\n",
           ["{g} har överträffat målen och hjälpt {peer} med {codename}.",
            "Enligt {peer} och {peer2} håller {g} huvudet kallt under press.", "Helhetsbedömning: mycket bra."],
           "{g} var sjukskriven för {cond} under våren."),
    "pl": ("Ocena roczna {year} — {emp}\nPrzełożony: {mgr}\n\n",
           ["{g} przekroczył(a) cele i wdrożył(a) {peer} w projekt {codename}.",
            "Według {peer} i {peer2} {g} zachowuje spokój pod presją.", "Ocena ogólna: 4/5."],
           "{g} przebywał(a) na zwolnieniu lekarskim z powodu choroby: {cond}."),
}


def k_review(rng, lang):
    head, lines, sick = REVIEW[lang]
    emp, mgr, peer, peer2 = people(rng, 4, lang)
    t = Text()
    kw = dict(year=str(rng.randrange(2022, 2026)), emp=P(emp.render(rng, rng.choice(["full", "last_comma", "upper_last", "full"]))),
              mgr=mention(rng, mgr, lang, rng.choice(["full", "title", "render"])), codename=rng.choice(CODENAMES))
    fill(t, head, **kw)
    for ln in lines:
        fill(t, ln + "\n", g=P(emp.g), peer=mention(rng, peer, lang, rng.choice(["full", "given"])),
             peer2=mention(rng, peer2, lang, "full"), codename=kw["codename"])
    cats = ["hr"]
    if rng.random() < 0.35:
        fill(t, sick + "\n", g=P(emp.g), cond=(rng.choice(HEALTH[lang]), "HEALTH_CONDITION"))
    return t, cats


OFFER = {
    "en": ("Dear {t},\n\nWe are delighted to offer you the position of {role} at {company}, starting {date}. Your annual base "
           "salary will be {money}. You will report to {mgr}.\n\nPlease return the signed copy to {hrp} by {day}.\n\nYours sincerely,\n{sig}\nHead of People\n"),
    "de": ("Sehr geehrte/r {t},\n\nwir freuen uns, Ihnen die Position als {role} bei {company} zum {date} anzubieten. Das "
           "Jahresbruttogehalt beträgt {money}. Ihre Vorgesetzte bzw. Ihr Vorgesetzter ist {mgr}.\n\nBitte senden Sie die "
           "unterschriebene Ausfertigung bis {day} an {hrp}.\n\nMit freundlichen Grüßen\n{sig}\nPersonalabteilung\n"),
    "fr": ("{t},\n\nNous avons le plaisir de vous proposer le poste de {role} chez {company} à compter du {date}, pour une "
           "rémunération annuelle brute de {money}. Vous serez rattaché(e) à {mgr}.\n\nMerci de retourner l'exemplaire signé "
           "à {hrp} avant {day}.\n\nCordialement,\n{sig}\nDRH\n"),
    "es": ("Estimado/a {t}:\n\nNos complace ofrecerle el puesto de {role} en {company} a partir del {date}, con un salario "
           "bruto anual de {money}. Dependerá de {mgr}.\n\nLe rogamos devuelva la copia firmada a {hrp} antes del {day}.\n\n"
           "Atentamente,\n{sig}\nRecursos Humanos\n"),
    "nl": ("Beste {g},\n\nWij bieden je graag de functie {role} aan bij {company}, per {date}, tegen een bruto jaarsalaris "
           "van {money}. Je rapporteert aan {mgr}.\n\nStuur de getekende versie vóór {day} naar {hrp}.\n\nMet vriendelijke groet,\n{sig}\nHR\n"),
    "it": ("Gentile {t},\n\nsiamo lieti di offrirle la posizione di {role} presso {company} a partire dal {date}, con una RAL "
           "di {money}. Riporterà a {mgr}.\n\nLa preghiamo di restituire la copia firmata a {hrp} entro {day}.\n\nCordiali saluti,\n{sig}\nRisorse Umane\n"),
}


def k_offer(rng, lang):
    cand, mgr, hrp, sig = people(rng, 4, lang)
    t = Text()
    cur = "£" if lang == "en" and rng.random() < 0.5 else "€"
    fill(t, OFFER[lang], t=mention(rng, cand, lang, "title"), g=P(cand.g), role=rng.choice(["Data Engineer", "Controller", "UX Researcher", "Key Account Manager"]),
         company=rng.choice(COMPANIES), date=some_date(rng, lang, 2026), money=f"{cur}{rng.randrange(42, 140)},000",
         mgr=mention(rng, mgr, lang, "full"), hrp=mention(rng, hrp, lang, rng.choice(["full", "given"])), day=rng.choice(DAYS[lang]),
         sig=P(sig.full()))
    return t, ["hr", "legal"] if rng.random() < 0.3 else ["hr"]


def k_disciplinary(rng, lang):
    emp, mgr, wit, hrbp = people(rng, 4, "en")
    t = Text()
    t.add("CONFIDENTIAL — HR case note\n\nEmployee: ").add(emp.render(rng, rng.choice(["upper_last", "last_comma", "full"])), "PERSON")
    t.add(f"  (ID E{digits(rng, 6)})\nManager: ").add(mgr.full(), "PERSON").add("\nHR partner: ").add(hrbp.render(rng, "initials"), "PERSON")
    t.add(f"\n\nOn {rng.choice(WEEKDAYS)} ").add(emp.g, "PERSON").add(" arrived 90 minutes late for the third time this month. ")
    t.add("According to ").add(wit.full(), "PERSON").add(", who was on the same shift, the cover rota had been agreed with ")
    t.add(rng.choice(["Mr ", "Ms ", ""])).add(mgr.s, "PERSON").add(" beforehand. A first written warning is issued; review in 3 months.\n")
    return t, ["hr"]


def k_org_change(rng, lang):
    ps = people(rng, 5, lang)
    t = Text()
    if lang == "de":
        t.add("Organisatorische Änderung ab 1. " + rng.choice(["März", "Juli", "Oktober"]) + "\n\n")
        fill(t, "{a} übernimmt die Leitung des Teams {code} und berichtet an {b}. {c} wechselt in das Controlling; "
                "ihre Aufgaben übernimmt vorübergehend {d}. Fragen gerne an {e}.\n",
             a=mention(rng, ps[0], lang, "full"), b=mention(rng, ps[1], lang, "title"), c=mention(rng, ps[2], lang, "full"),
             d=mention(rng, ps[3], lang, "render"), e=mention(rng, ps[4], lang, "given"), code=rng.choice(CODENAMES))
    elif lang == "fr":
        t.add("Évolution de l'organisation\n\n")
        fill(t, "À compter du 1er {m}, {a} prend la direction de l'équipe {code} et sera rattaché(e) à {b}. {c} rejoint le "
                "contrôle de gestion ; {d} assure l'intérim. Pour toute question : {e}.\n",
             m=rng.choice(["mars", "juillet", "octobre"]), a=mention(rng, ps[0], lang, "full"), b=mention(rng, ps[1], lang, "title"),
             c=mention(rng, ps[2], lang, "full"), d=mention(rng, ps[3], lang, "render"), e=mention(rng, ps[4], lang, "given"), code=rng.choice(CODENAMES))
    else:
        t.add("Org announcement\n\n")
        fill(t, "Effective {m} 1, {a} will lead the {code} team, reporting to {b}. {c} moves to FP&A; until a replacement is "
                "hired, {d} covers her accounts. Questions to {e} or me.\n\n— {f}\n",
             m=rng.choice(MONTHS), a=mention(rng, ps[0], "en", "full"), b=mention(rng, ps[1], "en", "title"), c=mention(rng, ps[2], "en", "full"),
             d=mention(rng, ps[3], "en", "render"), e=mention(rng, ps[4], "en", "given"), f=P(ps[0].g), code=rng.choice(CODENAMES))
    return t, ["hr"]


def k_org_chart(rng, lang):
    ps = people(rng, rng.randrange(4, 8), lang)
    t = Text()
    t.add("| Name | Role | Reports to | Location |\n|---|---|---|---|\n")
    roles = ["VP Engineering", "Engineering Manager", "Staff Engineer", "Product Manager", "Designer", "QA Lead", "SRE"]
    for i, p in enumerate(ps):
        t.add("| ").add(p.render(rng, rng.choice(["full", "full", "native" if p.origin in CJK else "full", "initials"])), "PERSON").add(f" | {roles[i % len(roles)]} | ")
        if i:
            t.add(ps[0].full() if i < 3 else ps[1].full(), "PERSON")
        else:
            t.add("CEO")
        t.add(f" | {rng.choice(CITY_ALONE)} |\n")
    return t, ["hr"]


def k_payslip(rng, lang):
    emp = Person(rng, None, lang)
    c = LANG_COUNTRY.get(lang) or person_country(rng, emp)
    country = rng.choice(LANG_IBAN.get(lang, ["DE"]))
    t = Text()
    lab = {"de": ("Gehaltsabrechnung", "Mitarbeiter", "Anschrift", "Brutto", "Netto", "Bankverbindung"),
           "fr": ("Bulletin de paie", "Salarié", "Adresse", "Brut", "Net à payer", "RIB / IBAN"),
           "nl": ("Loonstrook", "Werknemer", "Adres", "Bruto", "Netto", "IBAN"),
           "en": ("Payslip", "Employee", "Address", "Gross", "Net pay", "Paid to")}[lang if lang in ("de", "fr", "nl") else "en"]
    t.add(f"{lab[0]} {rng.choice(MONTHS)} 2025 — {rng.choice(COMPANIES)}\n{lab[1]}: ")
    t.add(emp.render(rng, rng.choice(["full", "upper_last", "last_comma"])), "PERSON").add(f"   Pers.-Nr. {digits(rng, 5)}\n{lab[2]}: ")
    addr_c = c if c in _STREETS or c in ("jp", "cn", "kr") else person_country(rng, emp)
    t.add(address(rng, addr_c), "ADDRESS").add(f"\n{lab[3]}: {rng.randrange(2800, 9000)},{rng.randrange(10, 99)}   {lab[4]}: {rng.randrange(1900, 5200)},{rng.randrange(10, 99)}\n{lab[5]}: ")
    t.add(iban(rng, country), "IBAN").add("\n")
    return t, ["hr", "financial"]


def k_payroll_tsv(rng, lang):
    ps = people(rng, rng.randrange(3, 7), lang)
    t = Text()
    t.add("emp_id\tname\tiban\tgross\tbonus\n")
    for p in ps:
        t.add(f"E{digits(rng, 5)}\t").add(p.render(rng, rng.choice(["full", "last_comma", "upper_full"])), "PERSON").add("\t")
        t.add(iban(rng, rng.choice(LANG_IBAN.get(lang, ["DE", "NL", "GB"])), grouped=False), "IBAN").add(f"\t{rng.randrange(3000, 9000)}.00\t{rng.randrange(0, 2000)}.00\n")
    return t, ["hr", "financial"]


CV = {
    "en": ("Email", "Phone", "Address", "Date of birth", "Experience", "Referees available on request; previous manager: "),
    "de": ("E-Mail", "Telefon", "Anschrift", "Geburtsdatum", "Berufserfahrung", "Referenz: "),
    "fr": ("Courriel", "Téléphone", "Adresse", "Né(e) le", "Expérience", "Référence : "),
    "es": ("Correo", "Teléfono", "Dirección", "Fecha de nacimiento", "Experiencia", "Referencia: "),
    "pt": ("E-mail", "Telefone", "Endereço", "Data de nascimento", "Experiência", "Referência: "),
    "it": ("E-mail", "Cellulare", "Indirizzo", "Data di nascita", "Esperienze", "Referenze: "),
    "pl": ("E-mail", "Telefon", "Adres", "Data urodzenia", "Doświadczenie", "Referencje: "),
}


def k_cv(rng, lang):
    p = Person(rng, None, lang)
    ref = Person(rng, None, lang)
    c = LANG_COUNTRY.get(lang) or person_country(rng, p)
    lab = CV[lang]
    t = Text()
    t.add(p.render(rng, rng.choice(["upper_full", "upper_full", "full", "middle"])), "PERSON").add("\n")
    t.add(rng.choice(["Senior Backend Developer", "Financial Analyst", "Registered Nurse", "Supply Chain Coordinator"]) + "\n\n")
    t.add(f"{lab[0]}: ").add(p.email(rng), "EMAIL").add(f" · {lab[1]}: ").add(phone(rng, c), "PHONE").add("\n")
    t.add(f"{lab[2]}: ").add(address(rng, c), "ADDRESS").add("\n")
    if rng.random() < 0.6:
        t.add(f"{lab[3]}: ").add(dob(rng, lang), "DATE_OF_BIRTH").add("\n")
    t.add(f"\n{lab[4]}\n2019–2025  {rng.choice(COMPANIES)}, {rng.choice(CITY_ALONE)}\n2015–2019  {rng.choice(COMPANIES)}\n\n")
    t.add(lab[5]).add(ref.full(), "PERSON").add(" (").add(ref.email(rng, company_domain(rng)), "EMAIL").add(")\n")
    return t, ["hr"]


def k_reference(rng, lang):
    a, b = people(rng, 2, "en")
    t = Text()
    t.add("To whom it may concern,\n\nI am pleased to recommend ").add(a.full(), "PERSON").add(", who worked in my team at ")
    t.add(rng.choice(COMPANIES) + " from 2019 to 2024. ").add(a.g, "PERSON").add(" led the rollout of " + rng.choice(CODENAMES) + " across three sites and ")
    t.add("was the person colleagues such as ").add(b.full(), "PERSON").add(" turned to first.\n\nYours faithfully,\n")
    sig = Person(rng, None, "en")
    t.add(sig.render(rng, rng.choice(["full", "initials"])), "PERSON").add("\n")
    return t, ["hr"]


def k_recruiter(rng, lang):
    cand, rec, ref = people(rng, 3, lang)
    t = Text()
    t.add("Hi ").add(cand.g, "PERSON").add(",\n\n").add(ref.full(), "PERSON").add(" mentioned you might be open to a move. We are hiring a "
         + rng.choice(["Staff Data Engineer", "Head of Finance", "Clinical Lead"]) + " (remote, " + rng.choice(CITY_ALONE) + " hub). "
         "Would you have 20 minutes on " + rng.choice(WEEKDAYS) + "?\n\nBest,\n")
    t.add(rec.full(), "PERSON").add(" | Talent Partner\n").add(phone(rng, person_country(rng, rec)), "PHONE").add("\n")
    return t, ["hr"]


def k_oncall(rng, lang):
    ps = people(rng, rng.randrange(3, 6), lang)
    t = Text()
    t.add("# oncall.yaml\nrotation: platform-primary\nmembers:\n")
    for p in ps:
        t.add("  - name: ").add(p.full(), "PERSON").add("\n    phone: \"").add(phone(rng, person_country(rng, p)), "PHONE").add("\"\n")
        t.add(f"    slack: \"@{ascii_fold(p.g)}\"\n")
    t.add("escalation: platform-leads\n")
    return t, ["hr", "source_code"]


def k_expense(rng, lang):
    emp, appr = people(rng, 2, lang)
    t = Text()
    t.add(f"Expense claim EXP-{digits(rng, 6)}\nClaimant: ").add(emp.render(rng, "last_comma"), "PERSON").add("\nApprover: ").add(appr.full(), "PERSON")
    t.add(f"\n\nDate | Item | Amount\n{some_date(rng)} | Taxi {rng.choice(CITY_ALONE)} airport | 48.50\n{some_date(rng)} | Client dinner, {rng.choice(COMPANIES)} | 212.00\n\n")
    t.add("Paid with corporate card ").add(card(rng), "CREDIT_CARD").add("; please reimburse the personal part to my account.\n")
    return t, ["hr", "financial"]


SICK = {
    "en": "Hi {g},\n\nJust to let you know I won't be in this week: the GP has signed me off with {cond} until {date}. I've handed the {code} work to {peer}.\n\n{me}\n",
    "de": "Hallo {g},\n\nich bin diese Woche krankgeschrieben ({cond}), voraussichtlich bis {date}. Die Übergabe zu {code} hat {peer}.\n\nGruß\n{me}\n",
    "nl": "Hoi {g},\n\nIk ben ziek gemeld: de huisarts zegt {cond}, waarschijnlijk tot {date}. {peer} neemt {code} over.\n\nGroet,\n{me}\n",
    "sv": "Hej {g},\n\nJag är sjukskriven för {cond} till {date}. {peer} tar över {code} under tiden.\n\n/{me}\n",
    "es": "Hola {g}:\n\nEstoy de baja por {cond} hasta el {date}. {peer} se encarga de {code} mientras tanto.\n\n{me}\n",
}


def k_sick(rng, lang):
    mgr, me, peer = people(rng, 3, lang)
    t = Text()
    fill(t, SICK[lang], g=P(mgr.g), cond=(rng.choice(HEALTH[lang]), "HEALTH_CONDITION"), date=some_date(rng, lang),
         code=rng.choice(CODENAMES), peer=mention(rng, peer, lang, rng.choice(["full", "given"])), me=P(me.g if rng.random() < 0.5 else me.full()))
    return t, ["hr", "health"]


# ---- legal ---------------------------------------------------------------------------------------

def k_court(rng, lang):
    pl, df, judge, counsel = people(rng, 4, "en")
    t = Text()
    t.add(f"IN THE {rng.choice(['SUPERIOR COURT OF THE STATE OF CALIFORNIA', 'HIGH COURT OF JUSTICE', 'CIRCUIT COURT OF COOK COUNTY'])}\n\n")
    t.add(pl.render(rng, rng.choice(["upper_last", "upper_full"])), "PERSON").add(",\n        Plaintiff,\n    v.\n")
    if rng.random() < 0.5:
        t.add(rng.choice(COMPANIES).upper() + ", and ")
    t.add(df.render(rng, "upper_full"), "PERSON").add(",\n        Defendants.\n\n")
    t.add(f"Case No. {rng.randrange(20, 26)}-CV-{digits(rng, 5)}\n\nMOTION TO COMPEL DISCOVERY\n\n")
    t.add("Plaintiff, through counsel ").add(counsel.render(rng, rng.choice(["full", "initials", "middle"])), "PERSON")
    t.add(", moves the Court for an order compelling Defendant ").add(df.s, "PERSON")
    t.add(" to produce the e-mails exchanged with ").add(rng.choice(COMPANIES) + " between " + rng.choice(MONTHS) + " and " + rng.choice(MONTHS) + " 2023. ")
    t.add("The matter is assigned to the Hon. ").add(judge.full(), "PERSON").add(".\n")
    return t, ["legal"]


NDA = {
    "en": ("MUTUAL NON-DISCLOSURE AGREEMENT\n\nThis Agreement is made on {date} between {company}, a company registered in "
           "{city} (\"Company\"), and {p}, residing at {addr} (\"Recipient\").\n\n1. The Recipient shall keep all Confidential "
           "Information strictly confidential.\n2. This Agreement is governed by the laws of England and Wales.\n\nSigned: {p2}\n"
           "For the Company: {signer}, General Counsel\n"),
    "de": ("GEHEIMHALTUNGSVEREINBARUNG\n\nzwischen der {company} mit Sitz in {city} (\"Gesellschaft\") und {t}, wohnhaft "
           "{addr} (\"Empfänger\").\n\n§ 1 Der Empfänger verpflichtet sich, alle vertraulichen Informationen geheim zu halten.\n"
           "§ 2 Gerichtsstand ist {city}.\n\n{city}, den {date}\n\n_____________________\n{p2}\n"),
    "fr": ("ACCORD DE CONFIDENTIALITÉ\n\nEntre {company}, dont le siège est à {city}, et {t}, demeurant {addr}.\n\n"
           "Article 1 — Le Bénéficiaire s'engage à ne pas divulguer les Informations Confidentielles.\n\nFait à {city}, le {date}\n"
           "Pour la Société : {signer}\n"),
    "es": ("ACUERDO DE CONFIDENCIALIDAD\n\nEntre {company}, con domicilio en {city}, y {t}, con domicilio en {addr}.\n\n"
           "Primera. — La parte receptora se obliga a no revelar la Información Confidencial.\n\nEn {city}, a {date}\n"
           "Por la Sociedad: {signer}\n"),
    "it": ("ACCORDO DI RISERVATEZZA\n\ntra {company}, con sede in {city}, e {t}, residente in {addr}.\n\n"
           "Art. 1 — Il Ricevente si impegna a mantenere riservate le Informazioni.\n\n{city}, {date}\nPer la Società: {signer}\n"),
}


def k_nda(rng, lang):
    p, signer = people(rng, 2, lang)
    c = LANG_COUNTRY.get(lang) or person_country(rng, p)
    if c not in _STREETS and c not in ("jp", "cn", "kr"):
        c = person_country(rng, p)
    t = Text()
    fill(t, NDA[lang], date=some_date(rng, lang), company=rng.choice(COMPANIES), city=rng.choice(CITY_ALONE),
         p=P(p.full()), p2=P(p.render(rng, rng.choice(["full", "upper_full"]))), t=mention(rng, p, lang, "title"),
         addr=(address(rng, c), "ADDRESS"), signer=P(signer.render(rng, rng.choice(["full", "initials"]))))
    return t, ["legal"]


def k_licence_person(rng, lang):
    p = Person(rng, None, "en")
    t = Text()
    t.add(f"SOFTWARE LICENCE AGREEMENT — {rng.choice(CODENAMES)} Enterprise\n\nLicensor: {rng.choice(COMPANIES)}\nLicensee: ")
    t.add(p.full(), "PERSON").add(" trading as " + rng.choice(["Northwind Consulting", "Bluegate Studio", "Tidewater Labs"]) + "\nNotices to: ")
    t.add(p.email(rng), "EMAIL").add("\n\n1. Grant. Licensor grants Licensee a non-exclusive, non-transferable licence for 25 seats.\n")
    t.add("2. Term. Twelve (12) months from the Effective Date, renewing automatically.\n3. Liability is capped at the fees paid.\n")
    return t, ["legal"]


def k_lease(rng, lang):
    ll, tn = people(rng, 2, lang if lang in ("en", "de") else "en")
    t = Text()
    if lang == "de":
        c = "de"
        t.add("Mietvertrag über Wohnraum\n\nVermieter: ").add(ll.full(), "PERSON").add("\nMieterin/Mieter: ").add(tn.render(rng, "last_comma"), "PERSON")
        t.add("\nMietobjekt: ").add(address(rng, c), "ADDRESS").add(f", 3. OG links\nKaltmiete: {rng.randrange(600, 1800)} EUR, Kaution: drei Monatsmieten\n")
    else:
        c = rng.choice(["uk", "us", "ie"])
        c = "uk"
        t.add("ASSURED SHORTHOLD TENANCY AGREEMENT\n\nLandlord: ").add(ll.full(), "PERSON").add("\nTenant: ").add(tn.full(), "PERSON")
        t.add("\nProperty: ").add(address(rng, c), "ADDRESS").add(f"\nRent: £{rng.randrange(900, 2600)} per calendar month, payable on the 1st.\n")
    return t, ["legal"]


def k_legal_letter(rng, lang):
    client, opp, lawyer = people(rng, 3, "en")
    t = Text()
    t.add("PRIVILEGED & CONFIDENTIAL — ATTORNEY-CLIENT COMMUNICATION\n\nDear ").add(client.g, "PERSON").add(",\n\n")
    t.add("Following our call, we reviewed the termination letter you received from ").add(rng.choice(COMPANIES))
    t.add(". In our view the non-compete clause is unenforceable. Opposing counsel, ").add(opp.render(rng, rng.choice(["full", "initials"])), "PERSON")
    t.add(", has until " + rng.choice(WEEKDAYS) + " to respond.\n\nKind regards,\n").add(lawyer.full(), "PERSON").add("\nPartner\n")
    return t, ["legal"]


# ---- health --------------------------------------------------------------------------------------

MED = {
    "en": ("Patient: {pt}   MRN: {mrn}   DOB: {dob}\nAttending: {doc}\n\nAssessment: {c1}; also known {c2}.\nPlan: review in 6 weeks; "
           "letter to GP {gp}.\n"),
    "de": ("Patient/in: {pt}, geb. {dob}, Fall-Nr. {mrn}\nBehandelnd: {doc}\n\nDiagnosen: {c1}; bekannte {c2}.\nProcedere: "
           "Wiedervorstellung in 6 Wochen, Brief an Hausarzt {gp}.\n"),
    "fr": ("Patient(e) : {pt}, né(e) le {dob}, IPP {mrn}\nMédecin : {doc}\n\nDiagnostic : {c1} ; antécédents : {c2}.\n"
           "Conduite à tenir : contrôle dans 6 semaines, courrier au Dr {gp}.\n"),
    "es": ("Paciente: {pt}   NHC: {mrn}   Fecha de nacimiento: {dob}\nMédico: {doc}\n\nJuicio clínico: {c1}; antecedentes de {c2}.\n"
           "Plan: control en 6 semanas; informe a su médico de cabecera, {gp}.\n"),
    "it": ("Paziente: {pt}, nato/a il {dob}, cartella n. {mrn}\nMedico: {doc}\n\nDiagnosi: {c1}; in anamnesi {c2}.\n"
           "Piano: controllo tra 6 settimane, lettera al medico curante {gp}.\n"),
    "pt": ("Paciente: {pt}   Prontuário: {mrn}   Data de nascimento: {dob}\nMédico(a): {doc}\n\nHipótese diagnóstica: {c1}; "
           "antecedente de {c2}.\nConduta: retorno em 6 semanas.\nMédico de família: {gp}\n"),
    "nl": ("Patiënt: {pt}, geb. {dob}, patiëntnummer {mrn}\nBehandelaar: {doc}\n\nConclusie: {c1}; voorgeschiedenis: {c2}.\n"
           "Beleid: controle over 6 weken, brief aan huisarts {gp}.\n"),
}


DOCTOR_T = {"en": ["Dr", "Dr.", "Prof."], "de": ["Dr.", "Dr. med.", "OA Dr."], "fr": ["Dr", "Pr"], "es": ["Dr.", "Dra."],
            "it": ["Dott.", "Dott.ssa", "Dr."], "pt": ["Dr.", "Dra."], "nl": ["dr.", "drs."]}


def k_medical(rng, lang):
    pt, doc, gp = people(rng, 3, lang)
    c1, c2 = rng.sample(HEALTH[lang], 2)
    t = Text()
    pre = {"en": "Can you turn this into a patient-friendly summary?\n\n", "de": "Bitte in einfache Sprache übersetzen:\n\n",
           "fr": "Peux-tu reformuler ce compte rendu ?\n\n", "es": "Resume esta nota clínica:\n\n"}.get(lang, "")
    if rng.random() < 0.5:
        t.add(pre)
    fill(t, MED[lang], pt=P(pt.render(rng, rng.choice(["upper_last", "full", "last_comma", "upper_full"]))),
         mrn=(rng.choice([digits(rng, 8), f"MRN{digits(rng, 7)}", f"{digits(rng, 3)}-{digits(rng, 4)}"]), "MEDICAL_RECORD_NUMBER"),
         dob=(dob(rng, lang), "DATE_OF_BIRTH"), doc=[rng.choice(DOCTOR_T.get(lang, ["Dr"])) + " ", P(doc.s if rng.random() < 0.5 else doc.full())],
         gp=mention(rng, gp, lang, "full"),
         c1=(c1, "HEALTH_CONDITION"), c2=(c2, "HEALTH_CONDITION"))
    return t, ["health"]


def k_discharge(rng, lang):
    pt, doc, nurse = people(rng, 3, "en")
    c1 = rng.choice(HEALTH["en"])
    t = Text()
    t.add(f"DISCHARGE SUMMARY — {rng.choice(['St Columba', 'Riverside General', 'Northfield Royal'])} Hospital\n\n")
    t.add("Name: ").add(pt.render(rng, "upper_last"), "PERSON").add("    Hospital no.: ").add(f"H{digits(rng, 7)}", "MEDICAL_RECORD_NUMBER").add("\n")
    t.add("Date of birth: ").add(dob(rng, "en"), "DATE_OF_BIRTH").add("\nAddress: ").add(address(rng, rng.choice(["uk", "ie", "us"])), "ADDRESS").add("\n\n")
    t.add("Admitted with an exacerbation of ").add(c1, "HEALTH_CONDITION").add(". ").add(pt.g, "PERSON")
    t.add(" responded to treatment and was discharged home on day 4. Consultant: Dr ").add(doc.s, "PERSON").add(". Ward nurse: ").add(nurse.g, "PERSON").add(".\n")
    t.add("Ward: 7B   Bed: 12\n")
    return t, ["health"]


def k_claim(rng, lang):
    p = Person(rng, None, "en")
    t = Text()
    t.add(f"Insurance claim CLM-{digits(rng, 8)}\nMember: ").add(p.full(), "PERSON").add(f"  Member ID: XK{digits(rng, 9)}\n")
    t.add("Diagnosis: ").add(rng.choice(HEALTH["en"]), "HEALTH_CONDITION").add(" (ICD-10 on file)\nProvider: Dr. ").add(Person(rng, None, "en").s, "PERSON")
    t.add("\nReimburse to: ").add(iban(rng, rng.choice(["GB", "IE", "NL", "DE"])), "IBAN").add("\n")
    return t, ["health", "financial"]


def k_patient_message(rng, lang):
    p, doc = people(rng, 2, "en")
    t = Text()
    t.add("Hi Dr ").add(doc.s, "PERSON").add(",\n\nSince my ").add(rng.choice(HEALTH["en"]), "HEALTH_CONDITION")
    t.add(" diagnosis in March the new tablets make me dizzy in the mornings. Could we move my appointment to " + rng.choice(WEEKDAYS) + "?\n\nThanks,\n")
    t.add(p.full(), "PERSON").add("\n").add(phone(rng, rng.choice(["uk", "us"])), "PHONE").add("\n")
    return t, ["health"]


# ---- financial -----------------------------------------------------------------------------------

INVOICE = {
    "en": ("INVOICE {no}\nBill to: {cust}\n{addr}\nAttn: {contact}\n\nConsulting services, {month}: {amt}\n\nPlease pay to IBAN {iban}, "
           "BIC {bic}, quoting the invoice number.\n"),
    "de": ("RECHNUNG {no}\nRechnungsempfänger: {cust}\n{addr}\nz. Hd. {contact}\n\nBeratungsleistungen {month}: {amt}\n\n"
           "Zahlbar innerhalb von 14 Tagen auf IBAN {iban}, BIC {bic}.\n"),
    "fr": ("FACTURE {no}\nClient : {cust}\n{addr}\nÀ l'attention de {contact}\n\nPrestations de conseil, {month} : {amt}\n\n"
           "Règlement par virement : IBAN {iban}, BIC {bic}.\n"),
    "es": ("FACTURA {no}\nCliente: {cust}\n{addr}\nA la atención de {contact}\n\nServicios de consultoría, {month}: {amt}\n\n"
           "Transferencia a IBAN {iban}, BIC {bic}.\n"),
    "it": ("FATTURA {no}\nCliente: {cust}\n{addr}\nAlla c.a. di {contact}\n\nServizi di consulenza, {month}: {amt}\n\n"
           "Bonifico su IBAN {iban}, BIC {bic}.\n"),
    "nl": ("FACTUUR {no}\nKlant: {cust}\n{addr}\nT.a.v. {contact}\n\nAdvieswerkzaamheden {month}: {amt}\n\nGraag overmaken naar IBAN {iban}, BIC {bic}.\n"),
    "pt": ("FATURA {no}\nCliente: {cust}\n{addr}\nA/C {contact}\n\nServiços de consultoria, {month}: {amt}\n\nPagamento por transferência: IBAN {iban}, BIC {bic}.\n"),
}
_BIC = {"GB": "NWBKGB2L", "IE": "AIBKIE2D", "DE": "COBADEFFXXX", "NL": "INGBNL2A", "FR": "BNPAFRPP", "BE": "GEBABEBB", "ES": "CAIXESBB",
        "IT": "UNCRITMM", "PT": "BCOMPTPL", "AT": "BKAUATWW", "CH": "UBSWCHZH80A", "PL": "PKOPPLPW", "SE": "NDEASESS",
        "FI": "NDEAFIHH", "DK": "DABADKKK", "NO": "DNBANOKK"}


def k_invoice(rng, lang):
    contact = Person(rng, None, lang)
    country = rng.choice(LANG_IBAN.get(lang, ["DE"]))
    c = LANG_COUNTRY.get(lang) or rng.choice(["uk", "us", "ie"])
    if c not in _STREETS:
        c = "uk"
    t = Text()
    fill(t, INVOICE[lang], no=f"{rng.randrange(2024, 2026)}-{digits(rng, 4)}", cust=rng.choice(COMPANIES), addr=(address(rng, c, multiline=True), "ADDRESS"),
         contact=mention(rng, contact, lang, rng.choice(["full", "title"])), month=rng.choice(MONTHS), amt=f"{rng.randrange(900, 40000)}.00 EUR",
         iban=(iban(rng, country), "IBAN"), bic=(_BIC[country], "SWIFT_BIC"))
    return t, ["financial"]


def k_wire(rng, lang):
    a, b = people(rng, 2, "en")
    t = Text()
    t.add("Hi ").add(a.g, "PERSON").add(",\n\nPlease note our bank details have changed. From now on please pay to:\nAccount name: ")
    t.add(b.full(), "PERSON").add("\nIBAN: ").add(iban(rng, rng.choice(["GB", "IE", "NL", "DE", "ES"])), "IBAN").add("\n\nRegards,\n").add(b.g, "PERSON").add("\n")
    t.add("\n— forwarded by Finance: is this phishing? It came from a lookalike domain.\n")
    return t, ["financial"]


def k_us_deposit(rng, lang):
    p = Person(rng, None, "en")
    t = Text()
    t.add("Direct deposit authorization\nEmployee name: ").add(p.render(rng, rng.choice(["full", "upper_full"])), "PERSON")
    t.add("\nRouting number: ").add(core.aba_make(rng), "US_ROUTING_NUMBER").add("\nAccount number: ").add(digits(rng, rng.randrange(9, 13)), "BANK_ACCOUNT")
    t.add("\nAccount type: Checking\nHome address: ").add(address(rng, "us"), "ADDRESS").add("\n")
    return t, ["hr", "financial"]


def k_card_dispute(rng, lang):
    p = Person(rng, None, lang)
    t = Text()
    t.add("Customer ").add(p.full(), "PERSON").add(" disputes a charge of 249.00 on card ").add(card(rng), "CREDIT_CARD")
    t.add(f". Merchant: {rng.choice(COMPANIES)}. Card ending 4242 on the old account is closed. Callback: ").add(phone(rng, person_country(rng, p)), "PHONE").add("\n")
    return t, ["financial", "customer_data"]


# ---- meeting minutes -----------------------------------------------------------------------------

MINUTES = {
    "en": ("Minutes — {code} weekly, {date}\nAttendees: ", "Apologies: ", "\n\nDecisions\n- Go-live stays on {day}; {a} to confirm with {company}.\n"
           "- {b} raised the customer complaint from {p}; refund approved.\n\nActions\n"),
    "de": ("Protokoll — {code} Jour fixe, {date}\nTeilnehmende: ", "Entschuldigt: ", "\n\nBeschlüsse\n- Go-live bleibt am {day}; {a} stimmt sich mit {company} ab.\n"
           "- {b} berichtet über die Beschwerde von {p}; Gutschrift genehmigt.\n\nAufgaben\n"),
    "fr": ("Compte rendu — point {code}, {date}\nParticipants : ", "Excusés : ", "\n\nDécisions\n- Mise en production maintenue au {day} ; {a} confirme avec {company}.\n"
           "- {b} a remonté la réclamation de {p} ; avoir accordé.\n\nActions\n"),
    "es": ("Acta — reunión {code}, {date}\nAsistentes: ", "Excusan asistencia: ", "\n\nAcuerdos\n- La salida a producción se mantiene el {day}; {a} lo confirma con {company}.\n"
           "- {b} presentó la queja de {p}; se aprueba el reembolso.\n\nTareas\n"),
    "nl": ("Notulen — {code} weekoverleg, {date}\nAanwezig: ", "Afwezig: ", "\n\nBesluiten\n- Livegang blijft {day}; {a} stemt af met {company}.\n"
           "- {b} bracht de klacht van {p} in; creditnota akkoord.\n\nActiepunten\n"),
    "it": ("Verbale — riunione {code}, {date}\nPresenti: ", "Assenti giustificati: ", "\n\nDecisioni\n- Il rilascio resta fissato a {day}; {a} conferma con {company}.\n"
           "- {b} ha segnalato il reclamo di {p}; rimborso approvato.\n\nAzioni\n"),
    "pt": ("Ata — reunião {code}, {date}\nPresentes: ", "Ausentes: ", "\n\nDecisões\n- Go-live mantido para {day}; {a} confirma com a {company}.\n"
           "- {b} trouxe a reclamação de {p}; reembolso aprovado.\n\nAções\n"),
    "sv": ("Minnesanteckningar — {code}, {date}\nNärvarande: ", "Frånvarande: ", "\n\nBeslut\n- Driftsättning ligger kvar på {day}; {a} stämmer av med {company}.\n"
           "- {b} tog upp klagomålet från {p}; återbetalning godkänd.\n\nÅtgärder\n"),
    "pl": ("Notatka — spotkanie {code}, {date}\nObecni: ", "Nieobecni: ", "\n\nUstalenia\n- Wdrożenie zostaje na {day}; {a} potwierdzi z {company}.\n"
           "- {b} zgłosił(a) reklamację od {p}; zwrot zatwierdzony.\n\nZadania\n"),
}


MIN_ACTIONS = {
    "en": ["update the rollout plan", "send the revised quote", "check GDPR wording", "book the venue", "review dashboard metrics"],
    "de": ["Rollout-Plan aktualisieren", "überarbeitetes Angebot schicken", "DSGVO-Formulierung prüfen", "Raum buchen"],
    "fr": ["mettre à jour le plan de déploiement", "envoyer le devis révisé", "vérifier la clause RGPD", "réserver la salle"],
    "es": ["actualizar el plan de despliegue", "enviar el presupuesto revisado", "revisar la cláusula RGPD", "reservar la sala"],
    "nl": ["uitrolplan bijwerken", "herziene offerte sturen", "AVG-tekst controleren", "zaal reserveren"],
    "it": ["aggiornare il piano di rilascio", "inviare il preventivo rivisto", "verificare la clausola GDPR"],
    "pt": ["atualizar o plano de implantação", "enviar o orçamento revisado", "verificar a cláusula LGPD"],
    "sv": ["uppdatera utrullningsplanen", "skicka den reviderade offerten", "boka lokal"],
    "pl": ["zaktualizować plan wdrożenia", "wysłać poprawioną ofertę", "sprawdzić zapis RODO"],
}


def k_minutes(rng, lang):
    head, apol, body = MINUTES[lang]
    team = people(rng, rng.randrange(3, 7), lang)
    cust = Person(rng, None, lang)
    t = Text()
    fill(t, head, code=rng.choice(CODENAMES), date=some_date(rng, lang))
    form = rng.choice(["full", "initials", "last_comma", "given", "title_mix"])
    for i, p in enumerate(team[:-1]):
        if i:
            t.add("; " if form == "last_comma" else ", ")
        if form == "given":
            t.add(chat_name(rng, p, lang), "PERSON")
        elif form == "title_mix" and lang in TITLES:
            for x in mention(rng, p, lang, rng.choice(["title", "full"])):
                t.add(*x) if isinstance(x, tuple) else t.add(x)
        else:
            t.add(p.render(rng, form if form != "title_mix" else "full"), "PERSON")
    t.add(" (" + rng.choice(["chair", "Vorsitz", "notes"]) + ")\n" if rng.random() < 0.3 else "\n")
    t.add(apol).add(team[-1].full(), "PERSON")
    fill(t, body, day=rng.choice(DAYS[lang]), a=mention(rng, team[0], lang, "given"), b=mention(rng, team[1], lang, "full"),
         company=rng.choice(COMPANIES), p=mention(rng, cust, lang, rng.choice(["full", "title"])))
    for p in rng.sample(team, min(3, len(team))):
        t.add("- [ ] ").add(p.render(rng, rng.choice(["initials", "full"])) if rng.random() < 0.5 else chat_name(rng, p, lang), "PERSON")
        t.add(": " + rng.choice(MIN_ACTIONS.get(lang, MIN_ACTIONS["en"])) + f" ({rng.choice(DAYS[lang])})\n")
    return t, ["customer_data"]


# ---- CJK-native documents ------------------------------------------------------------------------

def k_ja_form(rng, lang):
    p = Person(rng, "ja")
    t = Text()
    t.add("履歴書\n\n氏名（ローマ字）: ").add(f"{p.s.lower()} {p.g.lower()}", "PERSON").add("\n氏名: ").add(p.native(rng), "PERSON")
    t.add("\n生年月日: ").add(dob(rng, "ja"), "DATE_OF_BIRTH").add("生\n現住所: ").add(address(rng, "jp"), "ADDRESS")
    t.add("\n電話: ").add(phone(rng, "jp"), "PHONE").add("\nメール: ").add(p.email(rng), "EMAIL")
    t.add(f"\n\n学歴・職歴\n2016年4月 {rng.choice(['東京大学', '大阪大学', '早稲田大学'])} 入学\n2020年4月 {rng.choice(['Toyota', 'Mitsubishi', 'Samsung'])} 入社\n")
    return t, ["hr"]


def k_ja_mail(rng, lang):
    cust, me, boss = people(rng, 3, "ja", "ja")
    t = Text()
    t.add(f"{rng.choice(COMPANIES)}\n").add(cust.native(rng), "PERSON").add("様\n\nいつもお世話になっております。")
    t.add(rng.choice(["サクラ商事", "Halden"]) + "の").add(me.sn, "PERSON").add("です。\n")
    t.add("先日ご依頼いただいたお見積りの件、弊社").add(boss.sn, "PERSON").add("部長と確認のうえ、改めてご連絡いたします。\n")
    t.add("ご不明点がございましたら、").add(phone(rng, "jp"), "PHONE").add("までお電話ください。\n\n").add(me.native(rng), "PERSON").add("\n")
    return t, ["customer_data"]


def k_zh_hr(rng, lang):
    ps = people(rng, rng.randrange(3, 6), "zh", "zh")
    t = Text()
    t.add("员工信息表\n\n| 姓名 | 部门 | 手机 | 入职日期 |\n|---|---|---|---|\n")
    for p in ps:
        t.add("| ").add(p.native(), "PERSON").add(f" | {rng.choice(['研发部', '财务部', '人力资源部', '市场部'])} | ").add(phone(rng, "cn"), "PHONE").add(f" | {some_date(rng, 'zh', rng.randrange(2015, 2025))} |\n")
    t.add("\n备注：").add(ps[0].native(), "PERSON").add("下周起调往").add(rng.choice(["深圳", "上海", "成都"])).add("分公司，由").add(ps[1].sn, "PERSON").add("经理负责交接。\n")
    return t, ["hr"]


def k_zh_chat(rng, lang):
    a, b, c = people(rng, 3, "zh", "zh")
    t = Text()
    t.add(a.native(), "PERSON").add("：@").add(b.native(), "PERSON").add(" 客户").add(c.native(), "PERSON").add("的收货地址改成 ")
    t.add(address(rng, "cn"), "ADDRESS").add(" 了，麻烦更新一下系统\n")
    t.add(b.native(), "PERSON").add("：好的，电话还是 ").add(phone(rng, "cn"), "PHONE").add(" 吗？\n")
    t.add(a.native(), "PERSON").add("：对，谢谢").add(b.gn, "PERSON").add("！\n")
    return t, ["customer_data"]


def k_ko_contract(rng, lang):
    emp, rep = people(rng, 2, "ko", "ko")
    t = Text()
    t.add("근로계약서\n\n사업주: " + rng.choice(["Samsung", "Hyundai", "한강테크"]) + " (대표이사 ").add(rep.native(), "PERSON").add(")\n근로자: ")
    t.add(emp.native(), "PERSON").add("\n생년월일: ").add(dob(rng, "ko"), "DATE_OF_BIRTH").add("\n주소: ").add(address(rng, "kr"), "ADDRESS")
    t.add("\n연락처: ").add(phone(rng, "kr"), "PHONE").add(f"\n\n1. 근로개시일: {some_date(rng, 'ko', 2026)}\n2. 근무장소: 본사\n3. 임금: 월 {rng.randrange(280, 650)}만원\n")
    return t, ["hr", "legal"]


def k_ko_msg(rng, lang):
    a, b, c = people(rng, 3, "ko", "ko")
    t = Text()
    t.add(b.gn, "PERSON").add(" 씨, 어제 ").add(c.native(), "PERSON").add(" 고객님이 환불 문의로 다시 연락하셨어요. 이메일은 ").add(c.email(rng), "EMAIL")
    t.add(" 입니다.\n처리 후 ").add(a.sn, "PERSON").add(" 팀장님께 공유 부탁드립니다.\n- ").add(a.native(), "PERSON").add("\n")
    return t, ["customer_data"]


# ---- clean documents -----------------------------------------------------------------------------

def k_news_clean(rng, lang):
    t = Text()
    co1, co2 = rng.sample(COMPANIES, 2)
    t.add(f"{co1} and {co2} announced on {rng.choice(WEEKDAYS)} that they will open a joint logistics hub in {rng.choice(CITY_ALONE)} "
          f"by {rng.choice(MONTHS)} next year. Analysts at {rng.choice(['Goldman Sachs', 'Morgan Stanley', 'Barclays'])} expect the deal to lift margins. "
          f"The project, code-named {rng.choice(CODENAMES)}, follows a similar venture in {rng.choice(CITY_ALONE)}.\n\n"
          f"Summarise this in two bullet points for the {rng.choice(['board', 'sales team', 'newsletter'])}.\n")
    return t, ["none"]


def k_release_clean(rng, lang):
    v = f"{rng.randrange(1, 9)}.{rng.randrange(20)}.{rng.randrange(10)}"
    t = Text()
    t.add(f"## {rng.choice(CODENAMES)} {v} — release notes\n\n### Added\n- CSV export for the {rng.choice(['Invoices', 'Orders', 'Audit'])} view\n"
          f"- Dark mode for the admin console\n\n### Fixed\n- Crash when the `Name` column was empty\n- Timezone drift in weekly reports (every {rng.choice(WEEKDAYS)})\n"
          "\n### Changed\n- Minimum supported Python is now 3.10\n")
    return t, ["none"]


def k_code_clean(rng, lang):
    cls = rng.choice(["Fletcher", "Walker", "Mercer", "Baker", "Turner", "Fischer", "Bauer", "Parker"])
    t = Text()
    t.add(f"class {cls}Scheduler:\n    \"\"\"Work-stealing scheduler; see 'The Art of Multiprocessor Programming'.\"\"\"\n\n"
          "    def __init__(self, workers: int = 4) -> None:\n        self.workers = workers\n        self.queue: list[str] = []\n\n"
          "    def submit(self, job_name: str) -> None:\n        if not job_name:\n            raise ValueError(\"Name is required\")\n"
          "        self.queue.append(job_name)\n\n\ndef test_submit_rejects_empty():\n"
          f"    s = {cls}Scheduler()\n    with pytest.raises(ValueError):\n        s.submit(\"\")\n")
    return t, ["source_code"]


def k_docs_placeholder(rng, lang):
    ph = rng.sample(["John Doe", "Jane Doe", "Max Mustermann", "Erika Mustermann", "山田太郎", "Juan Pérez", "Mario Rossi", "Joe Bloggs", "Ola Nordmann"], 3)
    t = Text()
    t.add(f"## Example: creating a contact\n\nThe request body takes a display name, for example `{ph[0]}`, and an e-mail such as "
          f"`{ascii_fold(ph[0].split(' ')[0]) or 'user'}@example.com`. Other locales use sample names such as "
          f"{ph[1]} and {ph[2]}.\n\n| Field | Type | Example |\n|---|---|---|\n| Name | string | {ph[0]} |\n| Phone | string (E.164) | +CC NNN NNNN |\n| Ward | string | 7B |\n")
    return t, ["none"]


def k_ddl_clean(rng, lang):
    table, extra = rng.choice([("patients", "ward TEXT"), ("employees", "manager_id BIGINT"), ("customers", "phone TEXT"),
                               ("guests", "room_no INT"), ("applicants", "cv_url TEXT")])
    t = Text()
    t.add(rng.choice(["", "-- review this schema, is the index right?\n", "-- migration 0042\n"]))
    t.add(f"CREATE TABLE {table} (\n  id BIGSERIAL PRIMARY KEY,\n  first_name TEXT NOT NULL,\n  last_name TEXT NOT NULL,\n  {extra},\n"
          f"  date_of_birth DATE,\n  created_at TIMESTAMPTZ DEFAULT now()\n);\nCREATE INDEX ON {table} (last_name, first_name);\n")
    return t, ["source_code"]


def k_log_clean(rng, lang):
    t = Text()
    for _ in range(rng.randrange(5, 10)):
        t.add(f"2025-0{rng.randrange(1, 10)}-{rng.randrange(10, 29)} {rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d} "
              + rng.choice(["INFO worker-3 job=nightly-export rows=18234 took=41s", "WARN pool exhausted, retrying in 250ms",
                            "INFO cache hit ratio 0.93", "ERROR upstream 502 from billing-svc (attempt 2/5)",
                            f"INFO deploy {core.rand_chars(rng, '0123456789abcdef', 7)} to eu-west-1 complete"]) + "\n")
    return t, ["source_code"]


def k_licence_clean(rng, lang):
    t = Text()
    t.add("Permission is hereby granted, free of charge, to any person obtaining a copy of this software, to deal in the "
          "Software without restriction, subject to the following conditions: the above copyright notice shall be included "
          "in all copies. THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND.\n\nIs this compatible with Apache-2.0 "
          "for a SaaS product?\n")
    return t, ["none"]


MINUTES_CLEAN = {
    "en": "Retro notes, sprint {n}\n\nWent well\n- Fewer flaky tests since the {code} refactor\n- Release on {day} was smooth\n\nTo improve\n- Reviews wait too long\n- Staging data is stale\n\nActions\n- Rotate reviewer duty weekly\n",
    "de": "Retro Sprint {n}\n\nGut gelaufen\n- Weniger instabile Tests seit dem Umbau von {code}\n- Release am {day} ohne Probleme\n\nVerbessern\n- Reviews dauern zu lange\n",
    "fr": "Rétro sprint {n}\n\nCe qui a marché\n- Moins de tests instables depuis la refonte {code}\n- Mise en prod de {day} sans incident\n\nÀ améliorer\n- Les revues traînent\n",
    "es": "Retro sprint {n}\n\nLo bueno\n- Menos tests inestables desde la refactorización de {code}\n- La subida del {day} fue bien\n\nA mejorar\n- Las revisiones tardan\n",
    "ja": "スプリント{n} ふりかえり\n\n良かった点\n- {code}のリファクタリング以降、不安定なテストが減った\n- {day}のリリースは問題なし\n\n改善点\n- レビュー待ちが長い\n",
    "zh": "第{n}次迭代复盘\n\n做得好的\n- {code}重构后不稳定的测试减少了\n- {day}的发布很顺利\n\n待改进\n- 代码评审等待时间过长\n",
    "ko": "스프린트 {n} 회고\n\n잘한 점\n- {code} 리팩터링 이후 불안정한 테스트 감소\n- {day} 배포 문제 없음\n\n개선할 점\n- 리뷰 대기 시간이 길다\n",
    "nl": "Retro sprint {n}\n\nGoed\n- Minder flaky tests sinds de {code}-refactor\n- Release op {day} ging soepel\n\nBeter\n- Reviews duren te lang\n",
    "it": "Retrospettiva sprint {n}\n\nBene\n- Meno test instabili dopo il refactoring di {code}\n- Il rilascio di {day} è andato liscio\n\nDa migliorare\n- Le review sono lente\n",
    "pt": "Retrospectiva sprint {n}\n\nO que foi bem\n- Menos testes instáveis depois da refatoração do {code}\n- O deploy de {day} foi tranquilo\n",
    "pl": "Retrospektywa sprintu {n}\n\nCo poszło dobrze\n- Mniej niestabilnych testów po refaktoryzacji {code}\n- Wdrożenie z {day} bez problemów\n",
    "sv": "Retro sprint {n}\n\nBra\n- Färre instabila tester sedan {code}-omskrivningen\n- Releasen i {day}s gick smidigt\n",
    "tr": "Sprint {n} retrosu\n\nİyi gidenler\n- {code} yeniden düzenlemesinden sonra kararsız testler azaldı\n- {day} sürümü sorunsuzdu\n",
}


def k_minutes_clean(rng, lang):
    t = Text()
    fill(t, MINUTES_CLEAN[lang], n=str(rng.randrange(12, 80)), code=rng.choice(CODENAMES), day=rng.choice(DAYS[lang]))
    return t, ["none"]


def k_travel_clean(rng, lang):
    a, b = rng.sample(CITY_ALONE, 2)
    t = Text()
    t.add(f"Planning a {rng.randrange(3, 10)}-day trip: fly into {a} on a {rng.choice(WEEKDAYS)}, train to {b}, back home by {rng.choice(MONTHS)}. "
          f"Must-see: the {rng.choice(['Rijksmuseum', 'Alhambra', 'Fushimi Inari shrine', 'Vasa Museum', 'Hagia Sophia'])}. I'm reading "
          f"'{rng.choice(WORKS)}' on the plane. Suggest an itinerary with budget hotels.\n")
    return t, ["none"]


def k_policy_clean(rng, lang):
    t = Text()
    t.add("Benefits FAQ\n\nQ: Does the health plan cover physiotherapy?\nA: Yes, up to 12 sessions a year. Employees living with diabetes or "
          "asthma can also claim devices and inhalers through the plan.\n\nQ: Who do I contact?\nA: Write to the People team via the "
          "HR portal; Support answers within two working days.\n")
    return t, ["none"]


def k_sql_clean(rng, lang):
    t = Text()
    t.add("-- why is this slow on 40M rows?\nSELECT c.id, c.last_name, count(o.id) AS orders\nFROM customers c\n"
          "JOIN orders o ON o.customer_id = c.id\nWHERE o.created_at > now() - interval '30 days'\nGROUP BY c.id, c.last_name\n"
          "ORDER BY orders DESC\nLIMIT 50;\n")
    return t, ["source_code"]


def k_config_clean(rng, lang):
    t = Text()
    t.add("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + rng.choice(["orion", "kestrel", "atlas"]) + "-api\nspec:\n  replicas: 3\n"
          "  template:\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api@sha256:" + core.rand_chars(rng, "0123456789abcdef", 64) + "\n"
          "          env:\n            - name: DATABASE_URL\n              valueFrom:\n                secretKeyRef: {name: db, key: url}\n"
          "            - name: STRIPE_KEY\n              value: ${STRIPE_KEY}\n")
    return t, ["source_code"]


def k_eponym_clean(rng, lang):
    """Algorithms, tests and units named after people: not people in this text."""
    t = Text()
    picks = rng.sample(["Dijkstra's algorithm", "the Levenshtein distance", "a Bloom filter", "a Kalman filter",
                        "the Kaplan–Meier estimator", "Fisher's exact test", "a Pearson correlation", "the Bonferroni correction",
                        "Cox regression", "a Fourier transform", "Bayes' theorem", "the Hungarian method", "Huffman coding",
                        "the Boyer–Moore search", "a Gaussian blur", "Newton's method"], 3)
    t.add(f"For the {rng.choice(CODENAMES)} prototype we tried {picks[0]} first, then switched to {picks[1]}. "
          f"Would {picks[2]} be a better fit for {rng.randrange(10, 900)}k rows? Please explain the trade-offs "
          "and give a Python sketch.\n")
    return t, ["none"]


def k_go_clean(rng, lang):
    algo = rng.choice(["Dijkstra", "Kruskal", "Prim", "Tarjan", "Bellman", "Floyd"])
    t = Text()
    t.add(f"package graph\n\n// {algo} computes shortest paths; see Cormen et al., ch. 24.\ntype {algo} struct {{\n"
          "\tdist map[string]int\n\tprev map[string]string\n}\n\n"
          f"func New{algo}() *{algo} {{\n\treturn &{algo}{{dist: map[string]int{{}}, prev: map[string]string{{}}}}\n}}\n\n"
          f"func (d *{algo}) Run(g *Graph, src string) error {{\n\tif src == \"\" {{\n\t\treturn errors.New(\"empty source\")\n\t}}\n"
          "\t// TODO: heap-based frontier\n\treturn nil\n}\n")
    return t, ["source_code"]


def k_ts_clean(rng, lang):
    ph = rng.choice(["Jane Doe", "John Doe", "Max Mustermann", "Erika Mustermann"])
    t = Text()
    t.add("export interface Contact {\n  firstName: string;\n  lastName: string;\n  email: string;\n  phone?: string;\n}\n\n"
          "export const formatName = (c: Contact): string =>\n  `${c.lastName.toUpperCase()}, ${c.firstName}`;\n\n"
          f"// formatName({{ firstName: '{ph.split()[0]}', lastName: '{ph.split()[1]}', email: 'x@example.com' }})\n"
          f"// => '{ph.split()[1].upper()}, {ph.split()[0]}'\n")
    return t, ["source_code"]


def k_product_clean(rng, lang):
    a, b, c = rng.sample(["Siemens EQ.6", "Philips 3200", "Bosch Serie 8", "Dyson V15", "Samsung Bespoke", "Miele CM5",
                          "De'Longhi Magnifica", "Ford Puma", "Toyota Yaris", "Porsche Taycan"], 3)
    t = Text()
    t.add(f"Compare the {a}, the {b} and the {c} for a small office: price, noise, maintenance. "
          f"Our facilities budget is approved every {rng.choice(MONTHS)} and delivery must reach {rng.choice(CITY_ALONE)} by {rng.choice(WEEKDAYS)}.\n")
    return t, ["none"]


def k_team_mail_clean(rng, lang):
    dom = company_domain(rng)
    t = Text()
    t.add(f"From: {rng.choice(['noreply', 'it-helpdesk', 'facilities', 'security'])}@{dom}\nTo: all-staff@{dom}\n"
          f"Subject: {rng.choice(['Planned maintenance', 'Office closed on Friday', 'Phishing reminder', 'New VPN client'])}\n\n"
          f"Hi all,\n\nOn {rng.choice(WEEKDAYS)} between 18:00 and 22:00 the {rng.choice(CODENAMES)} services will be unavailable. "
          "No action is needed. If something still fails on Monday, open a ticket in the portal.\n\nThanks,\nThe Platform Team\n")
    return t, ["none"]


def k_inventory_clean(rng, lang):
    t = Text()
    t.add("Name,SKU,Ward,Qty,Reorder\n")
    for _ in range(rng.randrange(4, 9)):
        t.add(f"{rng.choice(['Saline 0.9% 500ml', 'Nitrile gloves M', 'Syringe 5ml', 'Gauze 10x10', 'Bandage 8cm', 'Thermometer probe cover'])},"
              f"SKU-{digits(rng, 6)},{rng.choice(['3A', '4B', '7B', 'ICU', 'Maternity'])},{rng.randrange(0, 400)},{rng.choice(['yes', 'no'])}\n")
    t.add("\nWhich wards will run out first at the current burn rate?\n")
    return t, ["none"]


# ---- dispatcher ----------------------------------------------------------------------------------

ALL_LANGS = ["en", "de", "fr", "es", "pt", "it", "nl", "pl", "sv", "tr", "ja", "zh", "ko"]
EU = ["en", "de", "fr", "es", "pt", "it", "nl", "pl", "sv", "tr"]

# (function, weight, languages it is written in)
KINDS = [
    (k_email, 9, ALL_LANGS), (k_chat, 7, ALL_LANGS), (k_minutes, 5, list(MINUTES)), (k_crm_csv, 3, ALL_LANGS),
    (k_fullname_tsv, 2, ALL_LANGS), (k_json_profile, 2, ALL_LANGS), (k_yaml_fixture, 1.5, ALL_LANGS), (k_xml, 1.5, ALL_LANGS),
    (k_sql_insert, 2, ALL_LANGS), (k_py_fixture, 1.5, EU), (k_http, 1.5, ALL_LANGS), (k_app_log, 2, ALL_LANGS),
    (k_git_log, 2, ALL_LANGS), (k_ics, 1.5, ALL_LANGS), (k_vcard, 1, ALL_LANGS), (k_shipping_label, 2, ALL_LANGS),
    (k_ticket, 2, EU), (k_support_transcript, 2, EU), (k_kyc, 1.5, ALL_LANGS), (k_event_reg, 1.5, ALL_LANGS),
    (k_hotel, 1.5, ALL_LANGS), (k_env_creds, 2.5, ALL_LANGS), (k_creds_chat, 2, EU),
    (k_review, 3, list(REVIEW)), (k_offer, 2, list(OFFER)), (k_disciplinary, 1, ["en"]), (k_org_change, 2, ["en", "de", "fr"]),
    (k_org_chart, 1.5, ALL_LANGS), (k_payslip, 2, ["en", "de", "fr", "nl"]), (k_payroll_tsv, 1.5, EU), (k_cv, 2.5, list(CV)),
    (k_reference, 1, ["en"]), (k_recruiter, 1, EU), (k_oncall, 1, ALL_LANGS), (k_expense, 1, EU), (k_sick, 1.5, list(SICK)),
    (k_court, 1.5, ["en"]), (k_nda, 2, list(NDA)), (k_licence_person, 1, ["en"]), (k_lease, 1, ["en", "de"]),
    (k_legal_letter, 1, ["en"]), (k_medical, 3, list(MED)), (k_discharge, 1.5, ["en"]), (k_claim, 1, ["en"]),
    (k_patient_message, 1, ["en"]), (k_invoice, 3, list(INVOICE)), (k_wire, 1, ["en"]), (k_us_deposit, 1, ["en"]),
    (k_card_dispute, 1, EU), (k_ja_form, 1, ["ja"]), (k_ja_mail, 1.5, ["ja"]), (k_zh_hr, 1, ["zh"]), (k_zh_chat, 1, ["zh"]),
    (k_ko_contract, 1, ["ko"]), (k_ko_msg, 1, ["ko"]),
    # clean
    (k_news_clean, 5, ["en"]), (k_release_clean, 4, ["en"]), (k_code_clean, 5, ["en"]), (k_docs_placeholder, 4, ["en"]),
    (k_ddl_clean, 3, ["en"]), (k_log_clean, 4, ["en"]), (k_licence_clean, 2, ["en"]), (k_minutes_clean, 6, list(MINUTES_CLEAN)),
    (k_travel_clean, 3, ["en"]), (k_policy_clean, 2, ["en"]), (k_sql_clean, 3, ["en"]), (k_config_clean, 3, ["en"]),
    (k_eponym_clean, 3, ["en"]), (k_go_clean, 2.5, ["en"]), (k_ts_clean, 2.5, ["en"]), (k_product_clean, 2.5, ["en"]),
    (k_team_mail_clean, 3, ["en"]), (k_inventory_clean, 2, ["en"]),
]

STATS = {}  # doc_id -> (kind, lang), for the author's own checks; not written to the corpus


def document(rng, doc_id):
    fn, _, langs = rng.choices(KINDS, weights=[k[1] for k in KINDS])[0]
    lang = pick_lang(rng, langs, en_share=0.5) if len(langs) > 1 else langs[0]
    t, cats = fn(rng, lang)
    STATS[doc_id] = (fn.__name__, lang)
    return finish(doc_id, t, cats)
