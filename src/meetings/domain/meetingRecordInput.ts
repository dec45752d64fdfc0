/**
 * What people type on the meeting card, section by section, parsed and
 * checked against the plan: every refusal is a code next to its field, and
 * nothing is saved while any field is wrong. Pure: no I/O.
 */
import { z } from 'zod';
import { isRealDate } from '../../plans/domain/carePlan';
import { AGREEMENT_LIMITS, MAX_PRIORITY_AREAS } from '../../plans/domain/agreements';
import type { WarningSign } from '../../plans/domain/agreements';
import { lengthError } from '../../platform/validation';
import { ATTENDANCE, RECORD_LIMITS, type Attendance, type DraftAction, type RecordContent, type RecordSection } from './meetingRecord';

/** What the checks need to know: the network, today in the meeting's zone, and ids for new rows. */
export interface InputContext {
  contactIds: readonly string[];
  /** The contacts who may coordinate: in Teams and in the network now, not the citizen (coordinatorCandidates). */
  coordinatorIds: readonly string[];
  /** YYYY-MM-DD, today where the meeting is held. */
  today: string;
  /** A stable id for a new row (the same card clicked twice gives the same id). */
  newRowId(kind: 'action' | 'warning', index: number): string;
}

export type Fields = Readonly<Record<string, string | undefined>>;
export type SectionInput<S extends RecordSection> = { ok: true; value: RecordContent[S] } | { ok: false; errors: Record<string, string> };

/** How many rows of actions and warning signs the card offers (the saved ones plus one empty). */
export const rowIds = (ids: string | undefined): string[] => (ids ?? '').split(',').map((s) => s.trim());

const trimmed = (v: string | undefined) => v?.trim() ?? '';

/** Parses one section's fields; `S` picks the shape. */
export function parseSection<S extends RecordSection>(section: S, f: Fields, ctx: InputContext): SectionInput<S> {
  const errors: Record<string, string> = {};
  const limit = (field: string, value: string, max: number) => {
    const code = lengthError(value, max);
    if (code) errors[field] = code;
  };
  const contact = (field: string, value: string, required: boolean, allowed: readonly string[] = ctx.contactIds): string | undefined => {
    if (!value) {
      if (required) errors[field] = 'required';
      return undefined;
    }
    if (!allowed.includes(value)) errors[field] = 'notInNetwork';
    return value;
  };
  const value = ((): RecordContent[RecordSection] => {
    switch (section) {
      case 'roles': {
        const leaderContactId = contact('leader', trimmed(f.leader), true);
        const noteTakerContactId = contact('noteTaker', trimmed(f.noteTaker), false);
        if (leaderContactId && noteTakerContactId === leaderContactId) errors.noteTaker = 'sameAsLeader';
        return { leaderContactId, noteTakerContactId };
      }
      case 'attendance': {
        const byContact: Record<string, Attendance> = {};
        for (const id of ctx.contactIds) {
          const v = trimmed(f[`att_${id}`]);
          if (!v) continue;
          const parsed = z.enum(ATTENDANCE).safeParse(v);
          if (parsed.success) byContact[id] = parsed.data;
          else errors[`att_${id}`] = 'invalid';
        }
        const guests = trimmed(f.guests);
        limit('guests', guests, RECORD_LIMITS.guests);
        return { byContact, ...(guests ? { guests } : {}), confirmed: f.confirmed === 'true', detailsChecked: f.detailsChecked === 'true' };
      }
      case 'round': {
        const shared = trimmed(f.roundShared);
        limit('roundShared', shared, RECORD_LIMITS.round);
        const byContact: Record<string, string> = {};
        for (const id of ctx.contactIds) {
          const v = trimmed(f[`round_${id}`]);
          if (!v) continue;
          limit(`round_${id}`, v, RECORD_LIMITS.round);
          byContact[id] = v;
        }
        return { ...(shared ? { shared } : {}), byContact };
      }
      case 'actions': {
        const actions: DraftAction[] = [];
        rowIds(f.actionIds).forEach((id, i) => {
          const what = trimmed(f[`a${i}_what`]);
          const resp = trimmed(f[`a${i}_resp`]);
          const deadline = trimmed(f[`a${i}_deadline`]);
          const serves = trimmed(f[`a${i}_serves`]);
          // An empty row is no action (and emptying a row removes it).
          if (!what && !resp && !deadline && !serves) return;
          if (!what) errors[`a${i}_what`] = 'required';
          limit(`a${i}_what`, what, AGREEMENT_LIMITS.what);
          limit(`a${i}_serves`, serves, AGREEMENT_LIMITS.area);
          const responsibleContactId = contact(`a${i}_resp`, resp, true) ?? '';
          if (!deadline) errors[`a${i}_deadline`] = 'required';
          else if (!isRealDate(deadline)) errors[`a${i}_deadline`] = 'invalidDate';
          else if (deadline < ctx.today) errors[`a${i}_deadline`] = 'inPast';
          actions.push({ id: id || ctx.newRowId('action', i), what, responsibleContactId, deadline, ...(serves ? { serves } : {}) });
        });
        if (actions.length > AGREEMENT_LIMITS.actions) errors._form = `maxItems:${AGREEMENT_LIMITS.actions}:${actions.length}`;
        return actions;
      }
      case 'areas': {
        const areas: string[] = [];
        for (let i = 0; i < MAX_PRIORITY_AREAS; i++) {
          const v = trimmed(f[`area${i}`]);
          if (!v) continue;
          limit(`area${i}`, v, AGREEMENT_LIMITS.area);
          areas.push(v);
        }
        return areas;
      }
      case 'warnings': {
        const warnings: WarningSign[] = [];
        rowIds(f.warningIds).forEach((id, i) => {
          const sign = trimmed(f[`w${i}_sign`]);
          const response = trimmed(f[`w${i}_response`]);
          if (!sign && !response) return;
          if (!sign) errors[`w${i}_sign`] = 'required';
          if (!response) errors[`w${i}_response`] = 'required';
          limit(`w${i}_sign`, sign, AGREEMENT_LIMITS.sign);
          limit(`w${i}_response`, response, AGREEMENT_LIMITS.response);
          warnings.push({ id: id || ctx.newRowId('warning', i), sign, response });
        });
        if (warnings.length > AGREEMENT_LIMITS.warningSigns) errors._form = `maxItems:${AGREEMENT_LIMITS.warningSigns}:${warnings.length}`;
        return warnings;
      }
      case 'next': {
        const date = trimmed(f.nextDate);
        const noneReason = trimmed(f.noneReason);
        limit('noneReason', noneReason, RECORD_LIMITS.noneReason);
        if (date && !isRealDate(date)) errors.nextDate = 'invalidDate';
        else if (date && date < ctx.today) errors.nextDate = 'inPast';
        // A date wins over a reason: a next meeting was agreed after all.
        return date ? { date } : noneReason ? { noneReason } : {};
      }
      case 'coordinator': {
        const contactId = contact('coordinator', trimmed(f.coordinator), true, ctx.coordinatorIds);
        const secondContactId = contact('secondCoordinator', trimmed(f.secondCoordinator), false, ctx.coordinatorIds);
        if (contactId && secondContactId === contactId) errors.secondCoordinator = 'sameAsCoordinator';
        return { contactId, ...(secondContactId ? { secondContactId } : {}) };
      }
      case 'summary': {
        const text = trimmed(f.summary);
        limit('summary', text, RECORD_LIMITS.summary);
        return text ? { text } : {};
      }
      case 'approval': {
        const status = trimmed(f.approval);
        const how = trimmed(f.approvalHow);
        limit('approvalHow', how, RECORD_LIMITS.how);
        if (status !== 'given' && status !== 'pending') {
          errors.approval = 'required';
          return {};
        }
        if (status === 'given' && !how) errors.approvalHow = 'required';
        return status === 'given' ? { status, how } : { status };
      }
    }
  })();
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value: value as RecordContent[S] };
}
