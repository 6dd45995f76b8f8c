/**
 * Names for synthetic citizens: common French given and family names (accents,
 * composed given names, particles, apostrophes, hyphens) and, for people born abroad,
 * names of their country of birth. Rough frequency order: earlier names are drawn more.
 */
const words = (text: string): string[] =>
  text
    .trim()
    .split(/\s*\|\s*|\n\s*/)
    .filter(Boolean);

export const FRENCH_FEMALE = words(`
  Marie | Nathalie | Isabelle | Sylvie | Catherine | Martine | Christine | Françoise | Valérie | Sandrine
  Stéphanie | Véronique | Sophie | Céline | Chantal | Patricia | Anne | Brigitte | Julie | Monique
  Aurélie | Nicole | Laurence | Annie | Émilie | Dominique | Virginie | Corinne | Élodie | Christelle
  Camille | Caroline | Léa | Sarah | Florence | Laetitia | Audrey | Hélène | Laura | Manon
  Michèle | Cécile | Christiane | Béatrice | Claire | Nadine | Delphine | Pauline | Karine | Mélanie
  Marion | Chloé | Jacqueline | Élisabeth | Évelyne | Marine | Claudine | Anaïs | Lucie | Danielle
  Carole | Fabienne | Mathilde | Sandra | Pascale | Annick | Charlotte | Emma | Séverine | Agnès
  Jeanne | Inès | Zoé | Louise | Jade | Alice | Lina | Rose | Ambre | Anna
  Mila | Juliette | Léna | Éloïse | Maëlys | Océane | Noémie | Clémence | Margaux | Justine
  Solène | Gaëlle | Maëlle | Héloïse | Bérénice | Agathe | Capucine | Salomé | Yasmine | Myriam
  Aïcha | Anne-Marie | Marie-Claire | Anne-Sophie | Marie-Hélène | Marie-Christine | Marie-France | Marie-Thérèse | Anne-Laure | Marie-Laure
  Marie-Pierre | Marie-José | Marie-Noëlle | Lou-Anne | Laure | Estelle | Ophélie | Coralie | Amandine | Gwendoline
`);

export const FRENCH_MALE = words(`
  Jean | Pierre | Michel | André | Philippe | Alain | Bernard | Jacques | Daniel | Christian
  Patrick | Nicolas | Christophe | Éric | Frédéric | Laurent | Stéphane | David | Pascal | Sébastien
  Julien | Thierry | Olivier | Thomas | François | Gérard | Jean-Pierre | Jean-Claude | Jean-Luc | Jean-Marc
  Jean-François | Jean-Michel | Jean-Paul | Jean-Louis | Jean-Jacques | Marc | Didier | Vincent | Bruno | Guillaume
  Maxime | Alexandre | Antoine | Romain | Yves | Kévin | Mickaël | Jérôme | Cédric | Franck
  Fabrice | Serge | Joël | Hervé | Lucas | Hugo | Louis | Gabriel | Léo | Raphaël
  Arthur | Jules | Adam | Maël | Noé | Paul | Nathan | Théo | Tom | Ethan
  Timéo | Enzo | Mathis | Baptiste | Clément | Quentin | Florian | Anthony | Loïc | Benoît
  Grégory | Ludovic | Jérémy | Aurélien | Damien | Mathieu | Benjamin | Rémi | Yannick | Gilles
  Roger | René | Robert | Marcel | Claude | Henri | Georges | Lucien | Raymond | Émile
  Gaëtan | Mohamed | Karim | Mehdi | Youssef | Rayan | Amine | Sacha | Côme | Noël
  Jean-Baptiste | Pierre-Yves | Paul-Henri | Louis-Marie | Jean-Christophe | Pierre-Alexandre | Bastien | Valentin | Corentin | Killian
`);

export const FRENCH_FAMILY = words(`
  Martin | Bernard | Thomas | Petit | Robert | Richard | Durand | Dubois | Moreau | Laurent
  Simon | Michel | Lefèvre | Leroy | Roux | David | Bertrand | Morel | Fournier | Girard
  Bonnet | Dupont | Lambert | Fontaine | Rousseau | Vincent | Muller | Lefebvre | Faure | André
  Mercier | Blanc | Guérin | Boyer | Garnier | Chevalier | François | Legrand | Gauthier | Garcia
  Perrin | Robin | Clément | Morin | Nicolas | Henry | Roussel | Mathieu | Gautier | Masson
  Marchand | Duval | Denis | Dumont | Marie | Lemaire | Noël | Meyer | Dufour | Meunier
  Brun | Blanchard | Giraud | Joly | Rivière | Lucas | Brunet | Gaillard | Barbier | Arnaud
  Martinez | Gérard | Roche | Renard | Schmitt | Roy | Leroux | Colin | Vidal | Caron
  Picard | Roger | Fabre | Aubert | Lemoine | Renaud | Dumas | Lacroix | Olivier | Philippe
  Bourgeois | Pierre | Benoît | Rey | Leclerc | Payet | Rolland | Leclercq | Guillaume | Lecomte
  Lopez | Jean | Dupuy | Guillot | Hubert | Berger | Carpentier | Sanchez | Dupuis | Moulin
  Louis | Deschamps | Huet | Vasseur | Perez | Boucher | Fleury | Royer | Klein | Jacquet
  Adam | Paris | Poirier | Marty | Aubry | Guyot | Carré | Charles | Renault | Charpentier
  Ménard | Maillard | Baron | Bertin | Bailly | Hervé | Schneider | Fernandez | Le Gall | Collet
  Léger | Bouvier | Julien | Prévost | Millet | Perrot | Daniel | Le Roux | Cousin | Germain
  Breton | Besson | Langlois | Rémy | Le Goff | Pelletier | Lévêque | Perrier | Leblanc | Barré
  Lebrun | Marchal | Weber | Mallet | Hamon | Boulanger | Jacob | Monnier | Michaud | Rodriguez
  Guichard | Gillet | Étienne | Grondin | Poulain | Tessier | Chevallier | Collin | Chauvin | Da Silva
  Bouchet | Gay | Lemaître | Bénard | Maréchal | Humbert | Reynaud | Antoine | Hoarau | Perret
  Barthélemy | Cordier | Pichon | Lejeune | Gilbert | Lamy | Delaunay | Pasquier | Carlier | Laporte
  N'Diaye | D'Almeida | D'Angelo | L'Hôte | De La Fontaine | Saint-Martin | Saint-Jean | Le Bihan | Le Corre | Ould-Ahmed
  Bézier | Brémond | Crémieux | Fauré | Gaillac | Hérault | Lagarde | Mazière | Pagès | Sévérac
`);

/** Names of people born abroad, by INSEE country code. */
export interface ForeignNames {
  female: string[];
  male: string[];
  family: string[];
}

export const FOREIGN_NAMES: Record<string, ForeignNames> = {
  99134: {
    // Spain: two family names
    female: words('María | Lucía | Carmen | Sofía | Paula | Elena | Ana | Marta | Inés | Pilar'),
    male: words('José | Antonio | Manuel | Javier | Alejandro | Pablo | Álvaro | Jorge | Sergio | Iñaki'),
    family: words(
      'García López | Rodríguez Pérez | González Ruiz | Fernández Díaz | Martínez Sánchez | Gómez Moreno | Jiménez Muñoz | Hernández Álvarez | Romero Navarro | Torres Castaño',
    ),
  },
  99139: {
    // Portugal
    female: words('Maria | Ana | Beatriz | Inês | Joana | Mariana | Leonor'),
    male: words('João | José | António | Francisco | Tiago | Rui | Gonçalo'),
    family: words(
      'Da Silva | Santos | Ferreira | Pereira | Oliveira | Costa | Rodrigues | Martins | Sousa | Gonçalves',
    ),
  },
  99127: {
    // Italy
    female: words('Giulia | Francesca | Chiara | Alessia | Sara | Martina'),
    male: words('Giuseppe | Marco | Luca | Alessandro | Matteo | Lorenzo'),
    family: words('Rossi | Russo | Ferrari | Esposito | Bianchi | Romano | Colombo | Ricci | D’Angelo | De Luca'),
  },
  99350: {
    // Morocco
    female: words('Fatima | Khadija | Salma | Imane | Meryem | Zineb'),
    male: words('Mohamed | Youssef | Ahmed | Hamza | Omar | Mehdi'),
    family: words('El Amrani | Benali | Alaoui | El Idrissi | Bennani | Tazi | Chraïbi | Ouazzani'),
  },
  99352: {
    // Algeria
    female: words('Amina | Nadia | Yasmina | Samira | Lydia | Kahina'),
    male: words('Karim | Rachid | Saïd | Mourad | Farid | Sofiane'),
    family: words('Benmansour | Boudiaf | Haddad | Belkacem | Mebarki | Saïdi | Aït-Ahmed | Ben Youcef'),
  },
  99109: {
    // Germany
    female: words('Anna | Lena | Katharina | Julia | Hannah | Jördis'),
    male: words('Lukas | Jonas | Maximilian | Felix | Jürgen | Stefan'),
    family: words('Müller | Schmidt | Schneider | Fischer | Weber | Meyer | Wagner | Becker | Schäfer | Groß'),
  },
  99122: {
    // Poland
    female: words('Anna | Katarzyna | Małgorzata | Agnieszka | Zofia'),
    male: words('Piotr | Krzysztof | Tomasz | Łukasz | Paweł'),
    family: words('Nowak | Kowalski | Wiśniewski | Wójcik | Kamiński | Lewandowski | Zieliński'),
  },
  99136: {
    // Ireland
    female: words('Siobhán | Aoife | Niamh | Saoirse | Róisín'),
    male: words('Seán | Ciarán | Patrick | Eoin | Darragh'),
    family: words("O'Neil | O'Brien | O’Sullivan | Murphy | Kelly | MacCarthy | O'Connor"),
  },
  99243: {
    // Vietnam
    female: words('Thi Lan | Thi Hoa | Ngoc Anh | Thu Trang | Mai Linh'),
    male: words('Van Minh | Duc Anh | Quang Huy | Van Nam | Thanh Tùng'),
    family: words('Nguyễn | Trần | Lê | Phạm | Hoàng | Vũ | Đặng'),
  },
  99341: {
    // Senegal
    female: words('Aminata | Fatou | Awa | Mariama | Khady'),
    male: words('Mamadou | Moussa | Cheikh | Ousmane | Abdoulaye'),
    family: words("Diop | N'Diaye | Fall | Sow | Ba | Diallo | Sy | Cissé"),
  },
  99132: {
    // United Kingdom
    female: words('Emily | Olivia | Charlotte | Amelia | Sophie'),
    male: words('James | Oliver | Harry | George | William'),
    family: words('Smith | Jones | Taylor | Brown | Williams | Wilson | Evans'),
  },
  99114: {
    // Romania
    female: words('Ioana | Elena | Andreea | Maria | Ștefania'),
    male: words('Andrei | Ion | Mihai | Alexandru | Ștefan'),
    family: words('Popescu | Ionescu | Popa | Ștefănescu | Constantin | Dumitru'),
  },
  99208: {
    // Turkey
    female: words('Ayşe | Elif | Zeynep | Fatma | Emine'),
    male: words('Mehmet | Mustafa | Emre | Ahmet | Burak'),
    family: words('Yılmaz | Kaya | Demir | Şahin | Çelik | Öztürk | Aydın'),
  },
};
