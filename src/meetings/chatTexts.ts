/**
 * Texts Samspil writes in a Teams meeting chat, in Danish (the default),
 * English and Swedish. Everyone in the chat reads them: they name the plan's
 * reference at most, never the citizen.
 */
import type { TextsOf } from '../platform/i18n/da';

export const da = {
  meetingChat: {
    linked: 'Denne chat er nu knyttet til koordinationsmødet i planen {reference}. Mødekortet kommer her, når mødet starter.',
    howTo: 'Skriv @Samspil tilknyt og planens reference i mødets chat, fx tilknyt KIP-7K3M-Q2XD.',
    onlyInChat: 'En chat knyttes til et møde i selve mødets chat: skriv @Samspil tilknyt og planens reference dér.',
    denied: 'Samspil kender ingen plan {reference}, som du er med i. Forsøget er logget.',
    locked: 'Planen {reference} er låst eller afsluttet, så der holdes ingen møder i den.',
    notLeader: 'Kun den, der har indkaldt til et kommende møde i planen {reference}, eller planens koordinator kan knytte en chat til mødet. Forsøget er logget.',
    ready: 'Samspil er klar til mødet i planen {reference}.',
  },
};

export const en: TextsOf<typeof da> = {
  meetingChat: {
    linked: 'This chat is now linked to the coordination meeting of plan {reference}. The meeting card will appear here when the meeting starts.',
    howTo: 'Write @Samspil link and the plan’s reference in the meeting’s chat, e.g. link KIP-7K3M-Q2XD.',
    onlyInChat: 'A chat is linked to a meeting from the meeting’s own chat: write @Samspil link and the plan’s reference there.',
    denied: 'Samspil knows no plan {reference} that you are part of. The attempt has been logged.',
    locked: 'Plan {reference} is locked or closed, so no meetings are held in it.',
    notLeader: 'Only the person who called an upcoming meeting of plan {reference}, or the plan’s coordinator, can link a chat to the meeting. The attempt has been logged.',
    ready: 'Samspil is ready for the meeting of plan {reference}.',
  },
};

export const sv: TextsOf<typeof da> = {
  meetingChat: {
    linked: 'Den här chatten är nu kopplad till samordningsmötet i planen {reference}. Mötets kort kommer här när mötet börjar.',
    howTo: 'Skriv @Samspil koppla och planens referens i mötets chatt, t.ex. koppla KIP-7K3M-Q2XD.',
    onlyInChat: 'En chatt kopplas till ett möte från mötets egen chatt: skriv @Samspil koppla och planens referens där.',
    denied: 'Samspil känner inte till någon plan {reference} som du är med i. Försöket har loggats.',
    locked: 'Planen {reference} är låst eller avslutad, så inga möten hålls i den.',
    notLeader: 'Bara den som kallat till ett kommande möte i planen {reference}, eller planens samordnare, kan koppla en chatt till mötet. Försöket har loggats.',
    ready: 'Samspil är redo för mötet i planen {reference}.',
  },
};

export const meetingChatTexts = { da, en, sv };
