import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { z } from 'zod';

/** Serves an OpenAPI document at `jsonPath` and Swagger UI at `uiPath`. */
export function serveOpenApi(app: INestApplication, opts: { title: string; description: string; uiPath: string; jsonPath: string; version?: string }) {
  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle(opts.title).setDescription(opts.description).setVersion(opts.version ?? '1').addBearerAuth().build(),
  );
  SwaggerModule.setup(opts.uiPath, app, doc, { jsonDocumentUrl: opts.jsonPath });
  return doc;
}

/** JSON schema of a zod schema, for @ApiBody / @ApiResponse. */
export function openApiSchema(schema: z.ZodType): Record<string, any> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, any>;
  return rest;
}
