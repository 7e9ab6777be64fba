export type Comparator = '<=' | '<' | '>=' | '>' | '==';

/** The one comparison of a measured value with its threshold: checks and decision criteria alike. */
export function compare(value: number | boolean, comparator: Comparator, threshold: number | boolean): boolean {
  switch (comparator) {
    case '==':
      return value === threshold;
    case '<=':
      return value <= threshold;
    case '<':
      return value < threshold;
    case '>=':
      return value >= threshold;
    case '>':
      return value > threshold;
  }
}
