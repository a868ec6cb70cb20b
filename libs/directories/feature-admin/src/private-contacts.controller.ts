import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type UserPrincipal } from '@tws/identity-data-access';
import { openApiSchema, ZodPipe } from '@tws/service';
import {
  createPrivateContactSchema,
  listPrivateContactsQuerySchema,
  updateContactSchema,
  type CreatePrivateContact,
  type ListPrivateContactsQuery,
  type UpdateContact,
} from './directories.schemas';
import { PrivateContactsService } from './private-contacts.service';

const uuid = new ParseUUIDPipe();

/**
 * User API: the signed-in user's own private contacts (guide 9.1.1, `[TwsPrivate]`). The user is
 * the one of the access token; the contacts go to the private TWS contacts directory of its
 * domain it is authorized to.
 */
@ApiTags('directory (user)')
@ApiBearerAuth()
@Controller('api/v1/directory/private-contacts')
export class PrivateContactsController {
  constructor(private readonly contacts: PrivateContactsService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Add one of my private contacts (numbers normalized with my domain dialing plan; a red-listed number is hidden from the cards)',
    description: '403 when no private TWS contacts directory of my domain is granted to me. `directoryId`: when several are, which one (default: the first by priority).',
  })
  @ApiBody({ schema: openApiSchema(createPrivateContactSchema) })
  create(@CurrentUser() user: UserPrincipal, @Body(new ZodPipe(createPrivateContactSchema)) body: CreatePrivateContact) {
    return this.contacts.create(user, body);
  }

  @Get()
  @ApiOperation({ summary: 'My private contacts, by name (search: name, company or e-mail prefixes), with the private directories I may write to' })
  list(@CurrentUser() user: UserPrincipal, @Query(new ZodPipe(listPrivateContactsQuerySchema, 'query')) q: ListPrivateContactsQuery) {
    return this.contacts.list(user, q);
  }

  @Get(':contactId')
  @ApiOperation({ summary: 'One of my private contacts (another user’s: 404)' })
  get(@CurrentUser() user: UserPrincipal, @Param('contactId', uuid) contactId: string) {
    return this.contacts.get(user, contactId);
  }

  @Patch(':contactId')
  @ApiOperation({ summary: 'Change some fields of one of my private contacts (the others are kept)' })
  @ApiBody({ schema: openApiSchema(updateContactSchema) })
  update(@CurrentUser() user: UserPrincipal, @Param('contactId', uuid) contactId: string, @Body(new ZodPipe(updateContactSchema)) body: UpdateContact) {
    return this.contacts.update(user, contactId, body);
  }

  @Delete(':contactId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete one of my private contacts' })
  async delete(@CurrentUser() user: UserPrincipal, @Param('contactId', uuid) contactId: string) {
    await this.contacts.delete(user, contactId);
  }
}
