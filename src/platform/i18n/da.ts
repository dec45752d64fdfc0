/** Danish texts of the platform (common words, errors, notices, welcome, help, enum labels): the default language. Capabilities keep their own texts beside their code (src/texts.ts joins them). */
export const da = {
  common: {
    next: 'Næste',
    back: 'Tilbage',
    cancel: 'Afbryd',
    save: 'Gem',
    required: '(skal udfyldes)',
    optional: '(valgfri)',
    requiredLegend: 'Felter med * skal udfyldes.',
    step: 'Trin {n} af 4',
  },
  errors: {
    required: 'Skal udfyldes.',
    chooseYesNo: 'Vælg ja eller nej.',
    chooseMethod: 'Vælg hvordan samtykket er givet.',
    chooseAtLeastOne: 'Vælg mindst én.',
    max: 'Højst {n} tegn.',
    maxCount: 'Højst {n} tegn – der står {count}. Gør teksten kortere; intet er skåret væk.',
    maxItems: 'Højst {n} punkter – der er {count}. Saml nogle af dem; intet er skåret væk.',
    invalidDate: 'Datoen findes ikke. Skriv den som åååå-mm-dd.',
    dateInFuture: 'Datoen kan ikke ligge i fremtiden.',
    dateTooOld: 'Datoen ligger før 1900.',
    invalidEmail: 'E-mailadressen ser forkert ud.',
    invalidPhone: 'Telefonnummeret ser forkert ud (kun tal, mellemrum, +, - og parenteser).',
    invalid: 'Ugyldig værdi.',
    dreamsRequired: 'Skriv mindst én af borgerens drømme, ønsker eller behov – det er planens udgangspunkt.',
    needAnotherContact: 'Tilføj mindst én kontaktperson ud over dig selv.',
    tooManyContacts: 'Netværket har nået det højeste antal kontaktpersoner.',
    invalidTime: 'Skriv klokkeslættet som tt:mm, fx 10:00.',
    durationRange: 'Varigheden skal være mellem 15 og 480 minutter.',
    invalidUrl: 'Linket skal begynde med https://.',
    inPast: 'Tidspunktet er allerede passeret.',
    joinUrlRequired: 'Indsæt linket til Teams-mødet (Samspil kan ikke oprette det her).',
    formHeading: 'Ret venligst det markerede:',
  },
  notices: {
    stale: 'Kortet var ikke længere aktuelt, så intet blev ændret. Her er, hvor du er nu.',
    denied: 'Du har ikke adgang til det, kortet henviser til. Intet er ændret.',
    invalidPayload: 'Kortet kunne ikke læses. Intet er ændret. Skriv "hjælp" for at se, hvad du kan.',
    alreadyCreated: 'Planen er allerede oprettet – intet er oprettet to gange.',
    cancelled: 'Guiden er afbrudt. Det, du havde skrevet om borgeren, er slettet.',
    consentRefused: 'Borgeren har ikke givet samtykke. Uden samtykke kan der ikke oprettes en plan, og intet om borgeren er gemt.',
    noOpenGuide: 'Du har ingen påbegyndt plan. Skriv "ny plan" for at starte en.',
    noPlans: 'Du er ikke med i nogen planer endnu. Skriv "ny plan" for at starte en.',
    unknownCommand: 'Det forstod jeg ikke. Prøv "ny plan", "mine planer", "fortsæt" eller "hjælp".',
    error: 'Noget gik galt hos os. Intet er gået tabt af det, du har gemt. Prøv igen om lidt.',
    planCreated: 'Planen er oprettet.',
    resumed: 'Her fortsætter du, hvor du slap.',
    morePlans: 'Viser de {n} nyeste planer.',
    personalOnly: 'Planer om borgere vises kun i din personlige chat med Samspil, ikke her. Skriv til mig direkte.',
  },
  welcome: {
    title: 'Velkommen til Samspil',
    intro:
      'Samspil hjælper dig med at samle borgerens netværk om én koordinerende indsatsplan: psykiatrien, kommunen, egen læge, pårørende og borgeren selv.',
    bullets:
      '- Start en plan: samtykke, stamdata med borgerens egne drømme, ønsker og behov, og netværket\n- Se de planer, du er med i\n- Kun planens netværk kan se planen, og al adgang logges',
    newPlan: 'Ny plan',
    myPlans: 'Mine planer',
    help: 'Hjælp',
  },
  help: {
    title: 'Det kan Samspil',
    commands:
      '**ny plan** – start en koordinerende indsatsplan trin for trin\n\n**mine planer** – de planer, du er med i\n\n**vis plan** – hele planen på ét kort; ret stamdata og netværket (skriv evt. planens reference efter)\n\n**fortsæt** – fortsæt en påbegyndt plan\n\n**indkald** – indkald netværket til et koordinationsmøde\n\n**start mødet** – mødekortet til et fysisk møde, her i din personlige chat\n\n**tilknyt** – i et mødes chat: knyt chatten til planens møde, så mødekortet kommer dér (skriv planens reference efter)\n\n**hent plan** – planen som Word-dokument, også til borgeren og kontakter uden for Teams\n\n**adgangslog** – hvem har set planen (for planens koordinator)\n\n**træk samtykke tilbage** – notér, at borgeren trækker sit samtykke tilbage, helt eller for en del\n\n**afslut plan** – afslut en plan med en grund\n\n**mine opgaver** – dine opgaver i planerne: udført, meld afvigelse, bed om hjælp\n\n**afvigelse** – meld en afvigelse til planens koordinator (skriv evt. planens reference efter)\n\n**overdrag koordinator** – giv koordinatorrollen videre til en anden i netværket\n\n**akut** – send en akut besked til bostedernes akutkanaler (akutteamet)\n\n**akutkanal** – skriv @Samspil akutkanal i en kanal for at gøre den til et bosteds akutkanal (teamets ejere); **akutkanaler** viser dem\n\n**ring akut** – skriv @Samspil ring akut i bostedets akutkanal for at bede akutteamet om hjælp\n\n**hjælp** – denne besked',
    privacy: 'Kun borgerens netværk kan se planen. Hver læsning og ændring logges.',
  },
  enums: {
    sector: {
      regionPsychiatry: 'Regionspsykiatri',
      municipality: 'Kommune',
      gp: 'Egen læge',
      addictionTreatment: 'Misbrugsbehandling',
      relative: 'Pårørende',
      peerWorker: 'Peer-medarbejder',
      other: 'Andet',
      citizen: 'Borgeren selv',
    },
    language: {
      da: 'Dansk', sv: 'Svensk', en: 'Engelsk', de: 'Tysk', ar: 'Arabisk', fa: 'Farsi (persisk)', so: 'Somali', tr: 'Tyrkisk', ku: 'Kurdisk', ti: 'Tigrinya', uk: 'Ukrainsk', pl: 'Polsk', other: 'Andet',
    },
    consentStatus: { given: 'Givet', refused: 'Afvist', withdrawn: 'Trukket tilbage' },
    consentMethod: { verbal: 'mundtligt', written: 'skriftligt' },
    planStatus: { draft: 'Udkast – afventer koordinationsmødet', active: 'Aktiv', closed: 'Afsluttet' },
    nextStep: {
      inviteToMeeting: 'Indkald netværket til det første koordinationsmøde.',
      approveAtMeeting: 'Borgeren godkender planen på mødet.',
      followUp: 'Koordinatoren følger op på de aftalte indsatser.',
      none: 'Ingen – planen er afsluttet.',
      locked: 'Planen er låst, fordi samtykket er trukket tilbage.',
    },
  },
};

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
/** The shape every language of a text table must have: the Danish table's, with any strings. */
export type TextsOf<T> = Widen<T>;
/** The platform's texts in every language. */
export type CoreTexts = TextsOf<typeof da>;
