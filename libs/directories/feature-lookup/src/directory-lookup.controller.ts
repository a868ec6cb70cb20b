import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentAdmin, assertCompanyAccess, TenantScopeRepository, type AdminPrincipal } from '@tws/identity-data-access';
import { LookupRepository } from '@tws/directories-data-access';
import { notFound, ZodPipe } from '@tws/service';
import { lookupQuerySchema, searchQuerySchema, type LookupQuery, type SearchQuery } from './directory-lookup.schemas';
import { DirectoryLookupService } from './directory-lookup.service';

const uuid = new ParseUUIDPipe();

/**
 * Search and reverse lookup "as user U", for administrators checking what a user sees (and for
 * the admin app). The same answers as `tws.dir.search`, `tws.dir.lookup` and the user API.
 */
@ApiTags('directories')
@ApiBearerAuth()
@Controller('api/admin/v1/domains/:domainId/users/:userId')
export class DirectoryLookupAdminController {
  constructor(
    private readonly lookup: DirectoryLookupService,
    private readonly repo: LookupRepository,
    private readonly scope: TenantScopeRepository,
  ) {}

  private async user(admin: AdminPrincipal, domainId: string, userId: string) {
    const companyId = await this.scope.companyOfDomain(domainId);
    if (!companyId) throw notFound(`domain ${domainId}`);
    assertCompanyAccess(admin, companyId, `domain ${domainId}`);
    if ((await this.repo.userDomain(userId)) !== domainId) throw notFound(`user ${userId} in domain ${domainId}`);
  }

  @Get('directory-search')
  @ApiOperation({ summary: 'Search every directory the user may see (name, company, e-mail prefixes, or a number in any format), as the user sees the results' })
  async search(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('domainId', uuid) domainId: string,
    @Param('userId', uuid) userId: string,
    @Query(new ZodPipe(searchQuerySchema, 'query')) q: SearchQuery,
  ) {
    await this.user(admin, domainId, userId);
    return this.lookup.search({ userId, ...q });
  }

  @Get('directory-lookup')
  @ApiOperation({ summary: 'Reverse lookup of a number for the user: the contact of the lowest-priority directory that has it' })
  async reverseLookup(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('domainId', uuid) domainId: string,
    @Param('userId', uuid) userId: string,
    @Query(new ZodPipe(lookupQuerySchema, 'query')) q: LookupQuery,
  ) {
    await this.user(admin, domainId, userId);
    return this.lookup.lookup({ userId, ...q });
  }
}
