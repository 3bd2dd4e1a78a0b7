import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv, type ValidateFunction } from "ajv";

/**
 * Checks a request against a provider's published OpenAPI document (trimmed copies in
 * ./openapi, with their source and licence): the operation must exist, its path and
 * query parameters and its body must match their schemas. Form bodies (Stripe's) are
 * read as Stripe encodes them (`a[b][c]=v`, `a[0]=v`) and their strings coerced to the
 * schema's types, as Stripe's own parser does.
 */
export type OpenApiDocument = {
  paths: Record<string, Record<string, Operation>>;
  components?: Record<string, Record<string, unknown>>;
};

type Parameter = {
  name: string;
  in: "path" | "query" | "header";
  required?: boolean;
  schema?: unknown;
  $ref?: string;
};
type Operation = {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: unknown }> };
};

export type CheckedRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType: string | null;
  rawBody: string;
};

const DOCUMENT_ID = "provider.json";

/** `#/components/…` → `provider.json#/components/…`, so compiled fragments resolve against the document. */
function anchored(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(anchored);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        k === "$ref" && typeof v === "string" && v.startsWith("#/")
          ? `${DOCUMENT_ID}${v}`
          : anchored(v),
      ]),
    );
  }
  return value;
}

/** `a[b][0]=x` → `{ a: { b: ["x"] } }`. */
export function parseDeepForm(params: URLSearchParams): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of params) {
    const parts = key.replace(/\]/g, "").split("[");
    let node: Record<string, unknown> | unknown[] = root;
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(parts[i + 1] as string);
      const container = node as Record<string, unknown>;
      if (last) {
        container[part] = value;
      } else {
        container[part] ??= nextIsIndex ? [] : {};
        node = container[part] as Record<string, unknown>;
      }
    });
  }
  return root;
}

export function loadOpenApi(file: string): OpenApiDocument {
  return JSON.parse(readFileSync(path.join(import.meta.dirname, "openapi", file), "utf8"));
}

/** `basePath`: the server URL's path (Tremendous's `/api/v2`), which the document's paths leave out. */
export function createRequestChecker(document: OpenApiDocument, basePath = "") {
  const strictAjv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const coercingAjv = new Ajv({
    strict: false,
    allErrors: true,
    validateFormats: false,
    coerceTypes: "array",
  });
  const anchoredDocument = anchored(document) as Record<string, unknown>;
  strictAjv.addSchema({ $id: DOCUMENT_ID, ...anchoredDocument });
  coercingAjv.addSchema({ $id: DOCUMENT_ID, ...anchoredDocument });
  const compiled = new Map<unknown, ValidateFunction>();
  const parameters = new Map<Parameter, ValidateFunction>();
  const compile = (ajv: Ajv, schema: unknown) => {
    const cached = compiled.get(schema);
    if (cached) return cached;
    const validate = ajv.compile(anchored(schema) as object);
    compiled.set(schema, validate);
    return validate;
  };

  const operations = Object.entries(document.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      template,
      pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, "([^/]+)")}$`),
      names: [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string),
      operation,
    })),
  );

  function resolveParameter(p: Parameter): Parameter {
    if (!p.$ref) return p;
    const name = p.$ref.split("/").at(-1) as string;
    return document.components?.parameters?.[name] as Parameter;
  }

  /** Every way the request departs from the document; empty when it conforms. */
  return function check(request: CheckedRequest): string[] {
    if (!request.path.startsWith(basePath)) return [`${request.path}: not under ${basePath}`];
    const pathname = request.path.slice(basePath.length);
    const found = operations.find((o) => o.method === request.method && o.pattern.test(pathname));
    if (!found) return [`${request.method} ${request.path}: no such operation in the document`];
    const where = `${request.method} ${found.template}`;
    const problems: string[] = [];
    const pathValues = found.pattern.exec(pathname)?.slice(1) ?? [];
    const queryObject = parseDeepForm(request.query);
    for (const raw of found.operation.parameters ?? []) {
      const p = resolveParameter(raw);
      if (p.in === "header") continue;
      const value =
        p.in === "path"
          ? decodeURIComponent(pathValues[found.names.indexOf(p.name)] ?? "")
          : (queryObject[p.name] ?? request.query.get(p.name) ?? undefined);
      if (value === undefined) {
        if (p.required) problems.push(`${where}: missing ${p.in} parameter ${p.name}`);
        continue;
      }
      // Wrapped in an object so that coercion can replace the value in place.
      let validate = parameters.get(p);
      if (!validate) {
        validate = coercingAjv.compile(
          anchored({ type: "object", properties: { value: p.schema ?? {} } }) as object,
        );
        parameters.set(p, validate);
      }
      if (!validate({ value })) {
        problems.push(
          `${where}: ${p.in} parameter ${p.name} ${coercingAjv.errorsText(validate.errors)}`,
        );
      }
    }
    const declared = new Set(
      (found.operation.parameters ?? []).map((p) => resolveParameter(p).name.split("[")[0]),
    );
    for (const name of Object.keys(queryObject)) {
      if (!declared.has(name)) problems.push(`${where}: unknown query parameter ${name}`);
    }
    const body = found.operation.requestBody;
    const hasBody = request.rawBody.length > 0;
    if (!hasBody) {
      if (body?.required) problems.push(`${where}: the body is required`);
      return problems;
    }
    const type = (request.contentType ?? "").split(";")[0]?.trim() ?? "";
    const schema = body?.content?.[type]?.schema;
    if (!schema) return [...problems, `${where}: no body of type ${type} is documented`];
    let value: unknown;
    try {
      value =
        type === "application/x-www-form-urlencoded"
          ? parseDeepForm(new URLSearchParams(request.rawBody))
          : JSON.parse(request.rawBody);
    } catch {
      return [...problems, `${where}: the body is not ${type}`];
    }
    const ajv = type === "application/x-www-form-urlencoded" ? coercingAjv : strictAjv;
    const validate = compile(ajv, schema);
    if (!validate(value)) problems.push(`${where}: body ${ajv.errorsText(validate.errors)}`);
    return problems;
  };
}
