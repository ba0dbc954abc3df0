import { SYNONYM_SCORE } from './name-lexicon';
import { nameSimilarity, WORDNET_SCORE } from './name-similarity';
import { wordnetAvailable, wordnetRelated, wordnetSynonyms } from './wordnet';

describe('WordNet synonyms', () => {
  it('is installed with the project', () => {
    expect(wordnetAvailable()).toBe(true);
  });

  it('knows words that share a sense', () => {
    expect(wordnetSynonyms('sex')).toContain('gender');
    expect(wordnetSynonyms('gender')).toContain('sex');
    expect(wordnetSynonyms('xq')).toEqual(new Set());
  });

  it('makes headers with a WordNet synonym similar, below the curated synonyms', () => {
    expect(nameSimilarity('Sex', 'gender')).toBe(WORDNET_SCORE);
    expect(WORDNET_SCORE).toBeLessThan(SYNONYM_SCORE);
    // Generic words get no WordNet synonyms: "number" is also a figure, a song, an issue.
    expect(nameSimilarity('Number', 'figure')).toBe(0);
  });
});

describe('WordNet verbs and inflected forms', () => {
  it('relates inflected verbs through their base forms', () => {
    expect(wordnetRelated('tested', 'examined')).toBe(true);
    expect(wordnetRelated('stop', 'quit')).toBe(true);
    expect(wordnetRelated('tested', 'invoice')).toBe(false);
  });

  it('makes headers with such verbs similar', () => {
    expect(nameSimilarity('Nodes examined', 'nodes_tested')).toBeGreaterThan(0.8);
    expect(nameSimilarity('Nodes examined', 'nodes_positive')).toBeLessThan(0.6);
  });
});
