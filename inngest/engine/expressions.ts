/**
 * A small, safe evaluator for the subset of CEL (Common Expression Language) that the
 * Inngest SDK emits: trigger `expression`s, `waitForEvent`/`cancelOn` `if`s, and
 * concurrency / idempotency keys. Expressions are parsed into a tree once and walked;
 * nothing is ever passed to `eval`.
 */

type Node =
  | { kind: "literal"; value: unknown }
  | { kind: "identifier"; name: string }
  | { kind: "member"; object: Node; property: Node }
  | { kind: "unary"; operator: "!" | "-"; operand: Node }
  | { kind: "binary"; operator: string; left: Node; right: Node };

type Token =
  | { type: "number"; value: number }
  | { type: "string"; value: string }
  | { type: "identifier"; value: string }
  | { type: "operator"; value: string };

export class ExpressionError extends Error {
  override name = "ExpressionError";
}

const OPERATORS = ["==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "+", "-", "*", "/", "%"];
const PUNCTUATION = [".", "(", ")", "[", "]"];
const ESCAPES: Record<string, string> = {
  n: "\n",
  t: "\t",
  r: "\r",
  "\\": "\\",
  "'": "'",
  '"': '"',
};

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i] as string;
    if (/\s/.test(char)) {
      i++;
      continue;
    }
    if (char === "'" || char === '"') {
      let value = "";
      i++;
      while (i < source.length && source[i] !== char) {
        if (source[i] === "\\") {
          const escaped = source[i + 1] ?? "";
          value += ESCAPES[escaped] ?? escaped;
          i += 2;
        } else {
          value += source[i];
          i++;
        }
      }
      if (i >= source.length) throw new ExpressionError(`Unterminated string in "${source}"`);
      i++;
      tokens.push({ type: "string", value });
      continue;
    }
    const number = /^\d+(\.\d+)?/.exec(source.slice(i));
    if (number) {
      tokens.push({ type: "number", value: Number(number[0]) });
      i += number[0].length;
      continue;
    }
    const identifier = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
    if (identifier) {
      tokens.push({ type: "identifier", value: identifier[0] });
      i += identifier[0].length;
      continue;
    }
    const operator = [...OPERATORS, ...PUNCTUATION].find((op) => source.startsWith(op, i));
    if (!operator) throw new ExpressionError(`Unexpected "${char}" in "${source}"`);
    tokens.push({ type: "operator", value: operator });
    i += operator.length;
  }
  return tokens;
}

const PRECEDENCE: string[][] = [
  ["||"],
  ["&&"],
  ["==", "!="],
  ["<", "<=", ">", ">="],
  ["+", "-"],
  ["*", "/", "%"],
];

class Parser {
  private position = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly source: string,
  ) {}

  parse(): Node {
    const node = this.binary(0);
    if (this.position < this.tokens.length) this.fail("Unexpected trailing input");
    return node;
  }

  private fail(message: string): never {
    throw new ExpressionError(`${message} in "${this.source}"`);
  }

  private peekOperator(): string | undefined {
    const token = this.tokens[this.position];
    return token?.type === "operator" ? token.value : undefined;
  }

  private expect(operator: string) {
    if (this.peekOperator() !== operator) this.fail(`Expected "${operator}"`);
    this.position++;
  }

  private binary(level: number): Node {
    if (level >= PRECEDENCE.length) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const operator = this.peekOperator();
      if (!operator || !PRECEDENCE[level]?.includes(operator)) return left;
      this.position++;
      left = { kind: "binary", operator, left, right: this.binary(level + 1) };
    }
  }

  private unary(): Node {
    const operator = this.peekOperator();
    if (operator === "!" || operator === "-") {
      this.position++;
      return { kind: "unary", operator, operand: this.unary() };
    }
    return this.postfix();
  }

  private postfix(): Node {
    let node = this.primary();
    for (;;) {
      const operator = this.peekOperator();
      if (operator === ".") {
        this.position++;
        const name = this.tokens[this.position];
        if (name?.type !== "identifier") this.fail('Expected a field name after "."');
        this.position++;
        node = { kind: "member", object: node, property: { kind: "literal", value: name.value } };
      } else if (operator === "[") {
        this.position++;
        const property = this.binary(0);
        this.expect("]");
        node = { kind: "member", object: node, property };
      } else {
        return node;
      }
    }
  }

  private primary(): Node {
    const token = this.tokens[this.position];
    if (!token) this.fail("Unexpected end of expression");
    this.position++;
    if (token.type === "number" || token.type === "string") {
      return { kind: "literal", value: token.value };
    }
    if (token.type === "identifier") {
      if (token.value === "true") return { kind: "literal", value: true };
      if (token.value === "false") return { kind: "literal", value: false };
      if (token.value === "null") return { kind: "literal", value: null };
      if (this.peekOperator() === "(")
        this.fail(`Function calls such as ${token.value}() are not supported`);
      return { kind: "identifier", name: token.value };
    }
    if (token.value === "(") {
      const inner = this.binary(0);
      this.expect(")");
      return inner;
    }
    return this.fail(`Unexpected "${token.value}"`);
  }
}

function member(object: unknown, property: unknown): unknown {
  if (object === null || typeof object !== "object") return undefined;
  const key = String(property);
  return Object.hasOwn(object, key) ? (object as Record<string, unknown>)[key] : undefined;
}

function equal(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (typeof left !== "object" || typeof right !== "object" || left === null || right === null) {
    return false;
  }
  return JSON.stringify(left) === JSON.stringify(right);
}

function numeric(value: unknown, operator: string): number {
  if (typeof value !== "number") throw new ExpressionError(`"${operator}" needs numbers`);
  return value;
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

function evaluateNode(node: Node, variables: Record<string, unknown>): unknown {
  switch (node.kind) {
    case "literal":
      return node.value;
    case "identifier":
      return Object.hasOwn(variables, node.name) ? variables[node.name] : undefined;
    case "member":
      return member(evaluateNode(node.object, variables), evaluateNode(node.property, variables));
    case "unary": {
      const value = evaluateNode(node.operand, variables);
      return node.operator === "!" ? value !== true : -numeric(value, "-");
    }
    case "binary": {
      const { operator } = node;
      if (operator === "&&") {
        return (
          evaluateNode(node.left, variables) === true &&
          evaluateNode(node.right, variables) === true
        );
      }
      if (operator === "||") {
        return (
          evaluateNode(node.left, variables) === true ||
          evaluateNode(node.right, variables) === true
        );
      }
      const left = evaluateNode(node.left, variables);
      const right = evaluateNode(node.right, variables);
      switch (operator) {
        case "==":
          return equal(left, right);
        case "!=":
          return !equal(left, right);
        case "+":
          if (typeof left === "number" && typeof right === "number") return left + right;
          // Keys like `event.data.a + '-' + event.data.b` join ids that may be numbers.
          if (isScalar(left) && isScalar(right)) return `${left}${right}`;
          throw new ExpressionError('"+" needs two numbers or strings');
        case "<":
        case "<=":
        case ">":
        case ">=": {
          if (!(typeof left === typeof right && (isScalar(left) || left === null))) return false;
          const l = left as number | string;
          const r = right as number | string;
          if (operator === "<") return l < r;
          if (operator === "<=") return l <= r;
          if (operator === ">") return l > r;
          return l >= r;
        }
        case "-":
          return numeric(left, operator) - numeric(right, operator);
        case "*":
          return numeric(left, operator) * numeric(right, operator);
        case "/":
          return numeric(left, operator) / numeric(right, operator);
        case "%":
          return numeric(left, operator) % numeric(right, operator);
        default:
          throw new ExpressionError(`Unknown operator "${operator}"`);
      }
    }
  }
}

const compiled = new Map<string, Node>();

function compile(source: string): Node {
  let node = compiled.get(source);
  if (!node) {
    node = new Parser(tokenize(source), source).parse();
    compiled.set(source, node);
  }
  return node;
}

/** Throws an ExpressionError when `source` is outside the supported subset. */
export function validateExpression(source: string): void {
  compile(source);
}

export function evaluate(source: string, variables: Record<string, unknown>): unknown {
  return evaluateNode(compile(source), variables);
}

/** A filter holds only when the expression evaluates to `true`; errors never match. */
export function matches(source: string, variables: Record<string, unknown>): boolean {
  try {
    return evaluate(source, variables) === true;
  } catch {
    return false;
  }
}

/** The string a concurrency or idempotency key expression selects; missing fields give "". */
export function evaluateKey(source: string, variables: Record<string, unknown>): string {
  const value = evaluate(source, variables);
  if (value === undefined || value === null) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}
