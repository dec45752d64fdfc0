/** The card checker must be able to fail, or the card tests prove nothing. */
import assert from 'node:assert/strict';
import { cardProblems } from './adaptiveCardCheck';

const card = (body: unknown[], actions: unknown[] = []) => ({ type: 'AdaptiveCard', version: '1.5', body, actions });
const text = { type: 'TextBlock', text: 'Hej', wrap: true };

describe('cards/adaptiveCardCheck', () => {
  it('accepts a valid card', () => {
    assert.deepEqual(
      cardProblems(card([text, { type: 'Input.Text', id: 'a', label: 'A', maxLength: 5 }], [{ type: 'Action.Execute', title: 'Go', verb: 'v', data: { x: 1 } }])),
      [],
    );
  });

  const bad: Array<[string, unknown]> = [
    ['an invalid enum value', card([{ ...text, color: 'Purple' }])],
    ['an unknown element', card([{ type: 'Carousel', pages: [] }])],
    ['an unknown action', card([text], [{ type: 'Action.Dance', title: 'x' }])],
    ['two inputs with the same id', card([{ type: 'Input.Text', id: 'a' }, { type: 'Input.Date', id: 'a' }])],
    ['a misspelt property', card([{ ...text, colour: 'Good' }])],
    ['a leftover templating keyword', card([{ ...text, $when: '${x}' }])],
    ['a property newer than schema 1.5', card([{ type: 'Input.Text', id: 'a', label: 'A', labelPosition: 'inline' }])],
    ['a choice with a number as value', card([{ type: 'Input.ChoiceSet', id: 'c', choices: [{ title: 'x', value: 1 }] }])],
    ['a fact that is not text', card([{ type: 'FactSet', facts: [{ title: 'x', value: 5 }] }])],
    ['no card version', { type: 'AdaptiveCard', body: [text] }],
    ['a card version Teams does not render', { ...card([text]), version: '1.6' }],
  ];
  for (const [label, json] of bad) {
    it(`reports ${label}`, () => assert.notDeepEqual(cardProblems(json), []));
  }
});
