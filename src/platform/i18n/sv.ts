/** Swedish texts. */
import type { CoreTexts } from './da';

export const sv: CoreTexts = {
  common: {
    next: 'Nästa',
    back: 'Tillbaka',
    cancel: 'Avbryt',
    save: 'Spara',
    required: '(obligatoriskt)',
    optional: '(valfritt)',
    step: 'Steg {n} av 4',
  },
  errors: {
    required: 'Måste fyllas i.',
    max: 'Högst {n} tecken.',
    invalidDate: 'Datumet finns inte. Skriv det som åååå-mm-dd.',
    dateInFuture: 'Datumet kan inte ligga i framtiden.',
    dateTooOld: 'Datumet ligger före 1900.',
    invalidEmail: 'E-postadressen ser fel ut.',
    invalidPhone: 'Telefonnumret ser fel ut (endast siffror, mellanslag, +, - och parenteser).',
    invalid: 'Ogiltigt värde.',
    dreamsRequired: 'Skriv minst en av brukarens drömmar, önskemål eller behov – de är planens utgångspunkt.',
    needAnotherContact: 'Lägg till minst en kontaktperson utöver dig själv.',
    tooManyContacts: 'Nätverket har nått högsta antalet kontaktpersoner.',
    invalidTime: 'Skriv klockslaget som tt:mm, t.ex. 10:00.',
    durationRange: 'Längden måste vara mellan 15 och 480 minuter.',
    invalidUrl: 'Länken måste börja med https://.',
    inPast: 'Tidpunkten har redan passerat.',
    joinUrlRequired: 'Klistra in länken till Teams-mötet (Samspil kan inte skapa det här).',
    formHeading: 'Rätta de markerade fälten:',
  },
  notices: {
    stale: 'Kortet var inte längre aktuellt, så inget ändrades. Här är var du är nu.',
    denied: 'Du har inte åtkomst till det som kortet hänvisar till. Inget ändrades.',
    invalidPayload: 'Kortet kunde inte läsas. Inget ändrades. Skriv "hjälp" för att se vad du kan göra.',
    alreadyCreated: 'Planen är redan skapad – inget skapades två gånger.',
    cancelled: 'Guiden avbröts. Det du hade skrivit om brukaren har raderats.',
    consentRefused: 'Brukaren har inte gett samtycke. Utan samtycke kan ingen plan skapas, och inget om brukaren sparades.',
    noOpenGuide: 'Du har ingen påbörjad plan. Skriv "ny plan" för att starta en.',
    noPlans: 'Du är inte med i några planer ännu. Skriv "ny plan" för att starta en.',
    unknownCommand: 'Det förstod jag inte. Prova "ny plan", "mina planer", "fortsätt" eller "hjälp".',
    error: 'Något gick fel hos oss. Inget av det du sparat har gått förlorat. Försök igen om en stund.',
    planCreated: 'Planen är skapad.',
    resumed: 'Här fortsätter du där du slutade.',
    morePlans: 'Visar de {n} senaste planerna.',
    personalOnly: 'Planer om brukare visas bara i din personliga chatt med Samspil, inte här. Skriv direkt till mig.',
  },
  welcome: {
    title: 'Välkommen till Samspil',
    intro:
      'Samspil hjälper dig att samla brukarens nätverk kring en samordnad individuell plan (SIP): psykiatrin, kommunen, husläkaren, närstående och brukaren själv.',
    bullets:
      '- Starta en plan: samtycke, personuppgifter med brukarens egna drömmar, önskemål och behov, och nätverket\n- Se de planer du är med i\n- Bara planens nätverk kan se planen, och all åtkomst loggas',
    newPlan: 'Ny plan',
    myPlans: 'Mina planer',
    help: 'Hjälp',
  },
  help: {
    title: 'Det här kan Samspil',
    commands:
      '**ny plan** – starta en samordnad individuell plan steg för steg\n\n**mina planer** – planerna du är med i\n\n**visa plan** – hela planen på ett kort; ändra personuppgifter och nätverket (skriv gärna planens referens efter)\n\n**fortsätt** – fortsätt en påbörjad plan\n\n**kalla** – kalla nätverket till ett SIP-möte\n\n**ladda ner plan** – planen som Word-dokument, också till brukaren och kontakter utanför Teams\n\n**åtkomstlogg** – vem som har sett planen (för planens samordnare)\n\n**hjälp** – det här meddelandet',
    privacy: 'Bara brukarens nätverk kan se planen. Varje läsning och ändring loggas.',
  },
  enums: {
    sector: {
      regionPsychiatry: 'Regionpsykiatri',
      municipality: 'Kommun',
      gp: 'Husläkare',
      addictionTreatment: 'Beroendevård',
      relative: 'Närstående',
      peerWorker: 'Peer-stödjare',
      other: 'Annat',
    },
    language: {
      da: 'Danska', sv: 'Svenska', en: 'Engelska', de: 'Tyska', ar: 'Arabiska', so: 'Somaliska', tr: 'Turkiska', uk: 'Ukrainska', pl: 'Polska', other: 'Annat',
    },
    consentStatus: { given: 'Givet', refused: 'Nekat', withdrawn: 'Återkallat' },
    consentMethod: { verbal: 'muntligt', written: 'skriftligt' },
    planStatus: { draft: 'Utkast – inväntar SIP-mötet', active: 'Aktiv', closed: 'Avslutad' },
    nextStep: {
      inviteToMeeting: 'Kalla nätverket till det första SIP-mötet.',
      approveAtMeeting: 'Brukaren godkänner planen på mötet.',
      followUp: 'Samordnaren följer upp de överenskomna insatserna.',
      none: 'Inget – planen är avslutad.',
      locked: 'Planen är låst eftersom samtycket har återkallats.',
    },
  },
};
