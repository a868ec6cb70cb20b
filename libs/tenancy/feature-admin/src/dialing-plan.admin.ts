import { Body, Controller, Get, HttpCode, Injectable, Param, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { compileDialingPlan, InvalidPhoneNumberError, type DialingPlan } from '@tws/dialing-plan';
import { AdminChanges, CurrentAdmin, type AdminPrincipal } from '@tws/identity-data-access';
import { badRequest, openApiSchema, ZodPipe } from '@tws/service';
import { DialingPlanRepository, type StoredDialingPlan } from '@tws/tenancy-data-access';
import { AdminService } from './admin.service';

const prefix = (what: string) => z.string().max(10).regex(/^[0-9]*$/, `${what}: digits only`);

export const dialingSettingsSchema = z
  .object({
    internationalPrefix: prefix('international prefix'),
    localCountryPrefix: prefix('local country prefix'),
    externalPrefix: prefix('external prefix'),
    nationalPrefix: prefix('national prefix').default('0'),
    add: z.string().max(10).regex(/^[0-9+*#]*$/, 'digits, "+", "*" or "#"').default(''),
    remove: z.string().max(10).regex(/^[0-9+*#]*$/, 'digits, "+", "*" or "#"').default(''),
    internalLength: z.number().int().min(1).max(20),
    internalReverseLength: z.number().int().min(1).max(20),
  })
  .strict();

export const dialingRuleSchema = z
  .object({ priority: z.number().int().min(0).max(100_000), name: z.string().max(100).default(''), pattern: z.string().min(1).max(256), value: z.string().max(256) })
  .strict();

export const dialingPlanSchema = z.object({ settings: dialingSettingsSchema, rules: z.array(dialingRuleSchema).max(500) }).strict();
export const dialingTestSchema = z
  .object({ number: z.string().min(1).max(64), settings: dialingSettingsSchema.optional(), rules: z.array(dialingRuleSchema).max(500).optional() })
  .strict()
  .refine((t) => (t.settings === undefined) === (t.rules === undefined), 'give both settings and rules to test a draft, or neither to test the saved plan');

type PlanInput = z.infer<typeof dialingPlanSchema>;
type TestInput = z.infer<typeof dialingTestSchema>;

/** Telephony / Dialing plan (guide chapter 5): settings, rules, and "test these rules". */
@Injectable()
export class DialingPlanAdminService {
  constructor(
    private readonly tenancy: AdminService,
    private readonly plans: DialingPlanRepository,
    private readonly changes: AdminChanges,
  ) {}

  async get(admin: AdminPrincipal, domainId: string): Promise<StoredDialingPlan> {
    await this.tenancy.domain(admin, domainId);
    return (await this.plans.get(domainId))!;
  }

  private compile(input: PlanInput): DialingPlan {
    const compiled = compileDialingPlan(input.settings, input.rules);
    if (!compiled.ok) {
      throw badRequest(
        `the dialing plan is refused: ${compiled.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
        compiled.errors.map((e) => ({ path: e.path, message: e.message, rule: e.rule })),
      );
    }
    return compiled.plan;
  }

  /** Replaces settings and rules together; refused as a whole, naming each bad rule, when any is invalid. */
  async replace(admin: AdminPrincipal, domainId: string, input: PlanInput) {
    const domain = await this.tenancy.domain(admin, domainId);
    this.compile(input);
    const before = await this.plans.get(domainId);
    await this.plans.replace(domainId, input.settings, input.rules);
    const after = (await this.plans.get(domainId))!;
    await this.changes.recorded(admin, { companyId: domain.companyId, action: 'update', entity: 'dialing-plan', entityId: domainId, before, after }, domainId);
    return after;
  }

  /** What the PBX would dial for a number, which rule applied, each step; and the canonical form. */
  async test(admin: AdminPrincipal, domainId: string, input: TestInput) {
    const saved = await this.get(admin, domainId);
    const plan = this.compile(input.settings && input.rules ? { settings: input.settings, rules: input.rules } : saved);
    try {
      const r = plan.toDialable(input.number);
      return { ...r, canonical: plan.toCanonical(input.number) };
    } catch (e) {
      if (e instanceof InvalidPhoneNumberError) throw badRequest(e.message, [{ path: 'number', message: e.message }]);
      throw e;
    }
  }
}

const uuid = new ParseUUIDPipe();

@ApiTags('dialing-plan')
@ApiBearerAuth()
@Controller('api/admin/v1/domains/:domainId/dialing-plan')
export class DialingPlanController {
  constructor(private readonly svc: DialingPlanAdminService) {}

  @Get()
  @ApiOperation({ summary: "The domain's dialing plan: settings and rules (tried from the lowest priority)" })
  get(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string) {
    return this.svc.get(admin, domainId);
  }

  @Put()
  @ApiOperation({ summary: 'Replace settings and rules; invalid rules (bad regular expression…) are refused with the reason' })
  @ApiBody({ schema: openApiSchema(dialingPlanSchema) })
  put(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Body(new ZodPipe(dialingPlanSchema)) body: PlanInput) {
    return this.svc.replace(admin, domainId, body);
  }

  @Post('test')
  @HttpCode(200)
  @ApiOperation({ summary: '"Test these rules": the dialable number, the rule that applied, the steps (saved plan, or a draft)' })
  @ApiBody({ schema: openApiSchema(dialingTestSchema) })
  test(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Body(new ZodPipe(dialingTestSchema)) body: TestInput) {
    return this.svc.test(admin, domainId, body);
  }
}
