/** The plans capability's texts in Danish (the default), English and Swedish. */
import type { TextsOf } from '../platform/i18n/da';

export const da = {
  plan: {
    title: 'Koordinerende indsatsplan',
    reference: 'Reference',
    citizen: 'Borger',
    born: 'Født',
    consent: 'Samtykke',
    status: 'Status',
    network: 'Netværk ({n})',
    next: 'Næste skridt',
    createdBy: 'Oprettet af',
    created: 'Oprettet',
    open: 'Åbn',
  },
};

export const en: TextsOf<typeof da> = {
  plan: {
    title: 'Coordinated care plan',
    reference: 'Reference',
    citizen: 'Citizen',
    born: 'Born',
    consent: 'Consent',
    status: 'Status',
    network: 'Network ({n})',
    next: 'Next step',
    createdBy: 'Created by',
    created: 'Created',
    open: 'Open',
  },
};

export const sv: TextsOf<typeof da> = {
  plan: {
    title: 'Samordnad individuell plan',
    reference: 'Referens',
    citizen: 'Brukare',
    born: 'Född',
    consent: 'Samtycke',
    status: 'Status',
    network: 'Nätverk ({n})',
    next: 'Nästa steg',
    createdBy: 'Skapad av',
    created: 'Skapad',
    open: 'Öppna',
  },
};

/** By language. */
export const plansTexts = { da, en, sv };
