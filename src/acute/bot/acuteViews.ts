/**
 * The acute line's cards. A card that goes to a channel (posts, escalations,
 * help requests) shows only what the acute team or the unit wrote for the
 * channel, a plan's reference and people's names from Teams: never a
 * citizen's name. Everything typed is shown as typed (markdown escaped).
 */
import { errorMap, errorText, fieldMap, formError } from '../../platform/cards/views';
import { inlineText, plainText } from '../../platform/cards/markdown';
import { templateRenderer, type AdaptiveCardJson } from '../../platform/cards/render';
import { format, formatDateTime, type Locale } from '../../platform/i18n';
import { DEFAULT_ESCALATION_MINUTES, LIMITS, type AcuteMessage, type AcuteUnit, type HelpRequest, type Mentionable, type UnitDelivery } from '../domain/acute';
import { ACUTE_URGENCIES } from '../domain/ports';
import type { AcuteCardModels } from './cardModels';

const render = templateRenderer<AcuteCardModels>();

const REGISTER_FIELDS = ['name', 'tagId', 'tagName', 'personId', 'personName', 'managerId', 'managerName', 'escalationMinutes'] as const;
const COMPOSE_FIELDS = ['units', 'text', 'urgency', 'whatToDo', 'planReference'] as const;
const HELP_FIELDS = ['need', 'urgency', 'callBack'] as const;

/** A Teams @mention: its `<at>` text (a name without angle brackets) and the entity that goes in the card's msteams.entities. */
export function mentionOf(who: Mentionable, kind: 'tag' | 'person') {
  const text = `<at>${who.name.replace(/[<>]/g, '').trim().slice(0, 200) || '?'}</at>`;
  return { text, entity: { type: 'mention' as const, text, mentioned: { id: who.id, name: who.name.slice(0, 256), ...(kind === 'tag' ? { type: 'tag' as const } : {}) } } };
}

/** Adds Teams' mention entities to a card (the outbox checks each one appears in the card). */
export function withMentions(card: AdaptiveCardJson, mentions: ReturnType<typeof mentionOf>[]): AdaptiveCardJson {
  return mentions.length ? { ...card, msteams: { entities: mentions.map((m) => m.entity) } } : card;
}

const urgencyChoices = (loc: Locale) => ACUTE_URGENCIES.map((u) => ({ title: loc.t.acute[u], value: u }));

/** The registration form, with what was typed and its errors. */
export function registerCard(loc: Locale, values?: Record<string, string | undefined>, errors?: Record<string, string>): AdaptiveCardJson {
  const t = loc.t.acute;
  return render('acuteRegister', {
    t,
    labels: { unitName: format(t.unitName, { n: LIMITS.unitName }), escalationMinutes: format(t.escalationMinutes, { n: DEFAULT_ESCALATION_MINUTES }) },
    limits: { unitName: LIMITS.unitName },
    fields: fieldMap(REGISTER_FIELDS, values ?? { escalationMinutes: String(DEFAULT_ESCALATION_MINUTES) }),
    errors: acuteErrors(REGISTER_FIELDS, errors, loc),
    formError: formError(errors, loc),
  });
}

/** The tenant's acute channels; `canRemove` says which get a remove button (owners, in a channel of the unit's own team). */
export function unitsCard(units: readonly AcuteUnit[], loc: Locale, canRemove: boolean | ((unit: AcuteUnit) => boolean), notice = ''): AdaptiveCardJson {
  const t = loc.t.acute;
  const removable = typeof canRemove === 'function' ? canRemove : () => canRemove;
  return render('acuteUnits', {
    t, notice,
    units: units.map((u) => ({ id: u.id, line: format(t.unitLine, { name: inlineText(u.name), n: u.escalationMinutes }), removeTitle: format(t.remove, { name: u.name }), removable: removable(u) })),
  });
}

/** The nurse's posting card (personal chat). */
export function composeCard(units: readonly AcuteUnit[], loc: Locale, formId: string, values?: Record<string, string | undefined>, errors?: Record<string, string>): AdaptiveCardJson {
  const t = loc.t.acute;
  return render('acuteCompose', {
    t, formId,
    labels: { message: format(t.message, { n: LIMITS.text }), whatToDo: format(t.whatToDo, { n: LIMITS.whatToDo }) },
    units: [{ title: t.allUnits, value: 'all' }, ...units.map((u) => ({ title: u.name, value: u.id }))],
    urgencies: urgencyChoices(loc),
    fields: fieldMap(COMPOSE_FIELDS, values ?? { urgency: 'urgent' }),
    errors: acuteErrors(COMPOSE_FIELDS, errors, loc),
    formError: formError(errors, loc),
  });
}

const ackLine = (a: UnitDelivery['acknowledgements'][number], loc: Locale) =>
  format(a.kind === 'taken' ? loc.t.acute.taken : loc.t.acute.seenBy, { name: inlineText(a.by), time: formatDateTime(a.at, loc) });

/** A post as a unit's channel shows it, with who took or saw it; `escalation` adds the manager's @mention. */
export function postCard(message: AcuteMessage, unit: AcuteUnit, loc: Locale, options: { escalation?: boolean; notice?: string } = {}): AdaptiveCardJson {
  const t = loc.t.acute;
  const delivery = message.units.find((u) => u.unitId === unit.id);
  const acks = delivery?.acknowledgements ?? [];
  const sentAt = formatDateTime(message.createdAt, loc);
  // The unit's on-call Teams tag and/or named on-call person; the escalation re-post names the manager instead.
  const onCall = [...(unit.onCallTag ? [mentionOf(unit.onCallTag, 'tag')] : []), ...(unit.onCallPerson ? [mentionOf(unit.onCallPerson, 'person')] : [])];
  const manager = options.escalation && unit.manager ? mentionOf(unit.manager, 'person') : undefined;
  const mentionLine = options.escalation
    ? format(manager ? t.escalationTo : t.escalationNoManager, { mention: manager?.text ?? '', time: sentAt, n: unit.escalationMinutes })
    : onCall.length ? format(t.postTo, { mention: onCall.map((m) => m.text).join(', ') }) : '';
  const facts = [
    ...(message.whatToDo ? [{ title: t.whatToDoLabel, value: plainText(message.whatToDo) }] : []),
    ...(message.planReference ? [{ title: t.referenceLabel, value: message.planReference }] : []),
  ];
  const card = render('acutePost', {
    t,
    title: options.escalation ? t.escalationTitle : message.urgency === 'urgent' ? t.postUrgent : t.postInfo,
    color: message.urgency === 'urgent' ? 'Attention' : 'Default',
    mentionLine, text: plainText(message.text), facts,
    escalated: delivery?.escalatedAt && !options.escalation ? format(t.escalatedLine, { time: formatDateTime(delivery.escalatedAt, loc), n: unit.escalationMinutes }) : '',
    noAnswer: acks.length ? '' : t.noAnswerYet,
    acknowledgements: acks.map((a) => ({ line: ackLine(a, loc) })),
    notice: options.notice ?? '',
    messageId: message.id, unitId: unit.id, hasReference: !!message.planReference,
  });
  return withMentions(card, [...(manager ? [manager] : []), ...(options.escalation ? [] : onCall)]);
}

/** The nurse's own card: every unit's status, live. */
export function statusCard(message: AcuteMessage, loc: Locale): AdaptiveCardJson {
  const t = loc.t.acute;
  return render('acuteStatus', {
    t,
    sentLine: format(t.statusSent, { time: formatDateTime(message.createdAt, loc) }),
    text: plainText(message.text),
    units: message.units.map((u) => ({
      name: u.unitName,
      state: u.acknowledgements.length
        ? u.acknowledgements.map((a) => ackLine(a, loc)).join('; ')
        : u.escalatedAt ? format(t.statusEscalated, { time: formatDateTime(u.escalatedAt, loc) }) : t.statusWaiting,
    })),
  });
}

/** The short help form in a unit's channel. */
export function helpFormCard(unit: AcuteUnit, loc: Locale, formId: string, values?: Record<string, string | undefined>, errors?: Record<string, string>): AdaptiveCardJson {
  const t = loc.t.acute;
  return render('acuteHelpForm', {
    t, unitId: unit.id, unitName: inlineText(unit.name), formId,
    labels: { need: format(t.need, { n: LIMITS.need }) },
    urgencies: urgencyChoices(loc),
    fields: fieldMap(HELP_FIELDS, values ?? { urgency: 'urgent' }),
    errors: acuteErrors(HELP_FIELDS, errors, loc),
    formError: formError(errors, loc),
  });
}

/** A help request: in the acute team's channel (with "Jeg tager den" until taken) or as the unit's receipt. */
export function helpCard(request: HelpRequest, loc: Locale, side: 'team' | 'unit', notice = ''): AdaptiveCardJson {
  const t = loc.t.acute;
  const taken = request.takenBy;
  return render('acuteHelp', {
    t,
    color: request.urgency === 'urgent' ? 'Attention' : 'Default',
    facts: [
      { title: t.helpFrom, value: inlineText(request.unitName) },
      { title: t.helpUrgency, value: t[request.urgency] },
      { title: t.helpCallBack, value: inlineText(request.callBack) },
      { title: '', value: format(t.helpAskedBy, { name: inlineText(request.by), time: formatDateTime(request.createdAt, loc) }) },
    ],
    need: plainText(request.need),
    state: taken ? format(t.helpTakenBy, { name: inlineText(taken.by), time: formatDateTime(taken.at, loc) }) : t.helpWaiting,
    stateColor: taken ? 'Good' : 'Attention',
    notice,
    canTake: side === 'team' && !taken,
    helpId: request.id,
  });
}

/** Field errors in the acute texts' words (falling back to the platform's). */
function acuteErrors<K extends readonly string[]>(keys: K, errors: Record<string, string> | undefined, loc: Locale): Record<K[number], string> {
  const own = loc.t.acute.errors as Record<string, string>;
  const out = errorMap(keys, errors, loc);
  for (const k of keys as readonly K[number][]) {
    const code = errors?.[k];
    if (code && own[code]) out[k] = own[code]!;
    else if (code) out[k] = errorText(code, loc);
  }
  return out;
}
