import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type UserPrincipal } from '@tws/identity-data-access';
import { ZodPipe } from '@tws/service';
import { lookupQuerySchema, searchQuerySchema, type LookupQuery, type SearchQuery } from './directory-lookup.schemas';
import { DirectoryLookupService } from './directory-lookup.service';

/**
 * User API: search and reverse lookup for the signed-in user (the user of the access token, never
 * one named by the request), across the directories its authorizations give it (7.4.2).
 */
@ApiTags('directory (user)')
@ApiBearerAuth()
@Controller('api/v1/directory')
export class DirectoryUserController {
  constructor(private readonly lookup: DirectoryLookupService) {}

  @Get('search')
  @ApiOperation({
    summary: 'Search every directory I may see: name, company, e-mail prefixes, or a number in any format',
    description:
      'Ordered by directory priority, then relevance, then name; `hasMore` says whether a next page exists. Red-listed numbers are hidden and never matched; ' +
      'contacts of merge-enabled directories with the same Mail 1 come as one profile (`mergedFrom`).',
  })
  search(@CurrentUser() user: UserPrincipal, @Query(new ZodPipe(searchQuerySchema, 'query')) q: SearchQuery) {
    return this.lookup.search({ userId: user.userId, ...q });
  }

  @Get('lookup')
  @ApiOperation({
    summary: 'Reverse lookup of a number: the contact of the lowest-priority directory I may see that has it, merged; an extension of my domain: its user',
    description: 'Nothing found: `match: null` and `displayName` = the number as given. `view=alerter` includes the fields with option i.',
  })
  reverseLookup(@CurrentUser() user: UserPrincipal, @Query(new ZodPipe(lookupQuerySchema, 'query')) q: LookupQuery) {
    return this.lookup.lookup({ userId: user.userId, ...q });
  }
}
