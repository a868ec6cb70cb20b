import { Injectable } from '@nestjs/common';
import {
  directoryLookupRequestSchema,
  directorySearchRequestSchema,
  type ContactView,
  type DirectoryLookupRequest,
  type DirectoryLookupResult,
  type DirectorySearchRequest,
  type DirectorySearchResult,
  type PhoneKind,
} from '@tws/contracts';
import { InvalidPhoneNumberError, type DialingPlan, type NumberOrigin } from '@tws/dialing-plan';
import { LookupRepository, type VisibleContactRow } from '@tws/directories-data-access';
import { looksLikeNumber, prefixTsQuery, searchWords } from '@tws/directories-mapping';
import { RemoteError } from '@tws/messaging';
import { DialingPlans } from '@tws/tenancy-data-access';
import { contactCard, mergeCards, needsMapUrl, userCard } from './contact-cards';
import { DirectoryReaders, type ReaderScope } from './directory-readers';

/**
 * Search and reverse lookup across every directory a user may see (authorizations of type
 * directory, shared across domains included), in directory priority order (8.1: the lowest
 * number wins). Numbers go through the user's domain dialing plan into the canonical form the
 * contacts were stored with, so `0155171889`, `+33 1 55 17 18 89` and what the PBX presents find
 * the same contact by an indexed equality.
 */
@Injectable()
export class DirectoryLookupService {
  constructor(
    private readonly repo: LookupRepository,
    private readonly plans: DialingPlans,
    private readonly readers: DirectoryReaders,
  ) {}

  private canonical(plan: DialingPlan | undefined, number: string, origin: NumberOrigin): string | null {
    if (!plan) return null;
    try {
      return plan.toCanonical(number, origin);
    } catch (e) {
      if (e instanceof InvalidPhoneNumberError) return null;
      throw e;
    }
  }

  /** Reverse lookup: the contact of the lowest-priority directory holding the number; an extension's user; or the number itself. */
  async lookup(input: DirectoryLookupRequest): Promise<DirectoryLookupResult> {
    const req = directoryLookupRequestSchema.parse(input);
    const scope = await this.readers.scope(req.userId);
    const canonical = this.canonical(await this.plans.forDomain(scope.domainId), req.number, req.origin);
    const none: DirectoryLookupResult = { number: req.number, canonical, match: null, matchedKind: null, displayName: req.number };
    if (canonical === null) return none;
    const row = await this.repo.byNumber(scope, canonical, scope.domainId);
    if (row) {
      const card = await this.card(row, req.view, scope, true);
      return { ...none, match: card, matchedKind: row.matchedKind as PhoneKind, displayName: card.displayName };
    }
    if (!canonical.startsWith('+')) {
      const user = await this.repo.userByExtension(scope.domainId, canonical);
      if (user) {
        const card = userCard(user);
        return { ...none, match: card, matchedKind: 'professional', displayName: card.displayName };
      }
    }
    return none;
  }

  /** One query across the user's directories: name / company / e-mail prefixes, or a number in any format. */
  async search(input: DirectorySearchRequest): Promise<DirectorySearchResult> {
    const req = directorySearchRequestSchema.parse(input);
    const scope = await this.readers.scope(req.userId);
    const page = { offset: req.offset, limit: req.limit + 1 };
    let rows: VisibleContactRow[];
    if (looksLikeNumber(req.query)) {
      const plan = await this.plans.forDomain(scope.domainId);
      const canonical = this.canonical(plan, req.query, 'directory');
      rows = await this.repo.searchNumber(scope, numberPrefixes(plan, req.query, canonical), canonical, scope.domainId, page);
    } else {
      const words = searchWords(req.query);
      if (words.length === 0) throw new RemoteError('bad_request', 'nothing to search for: type letters or digits');
      rows = await this.repo.searchWords(scope, words, prefixTsQuery(words), page);
    }
    const mapUrl = rows.slice(0, req.limit).some((r) => needsMapUrl(r, 'caller')) ? await this.readers.mapServiceUrl(req.userId) : undefined;
    return { items: rows.slice(0, req.limit).map((r) => contactCard(r, 'caller', mapUrl)), offset: req.offset, limit: req.limit, hasMore: rows.length > req.limit };
  }

  private async card(row: VisibleContactRow, view: ContactView, scope: ReaderScope, merge: boolean) {
    const others = merge && row.merge && row.mergeMail ? await this.repo.mergeCandidates(scope, row.mergeMail, row.id) : [];
    const mapUrl = [row, ...others].some((r) => needsMapUrl(r, view)) ? await this.readers.mapServiceUrl(scope.userId) : undefined;
    const card = contactCard(row, view, mapUrl);
    return others.length ? mergeCards(card, others.map((o) => contactCard(o, view, mapUrl))) : card;
  }
}

/**
 * Canonical prefixes of what the user typed: its canonical form, and — for a national number cut
 * short (`01 55`), which the dialing plan would read as internal — the E.164 prefix it starts.
 */
export function numberPrefixes(plan: DialingPlan | undefined, typed: string, canonical: string | null): string[] {
  const prefixes = canonical ? [canonical] : [];
  if (plan) {
    const { internationalPrefix: intl, localCountryPrefix: cc, nationalPrefix: np } = plan.settings;
    const digits = typed.replace(/[^0-9+]/g, '');
    if (cc && np && !digits.startsWith('+') && !(intl && digits.startsWith(intl)) && digits.startsWith(np) && digits.length > np.length) {
      prefixes.push(`+${cc}${digits.slice(np.length)}`);
    }
  }
  return [...new Set(prefixes)].slice(0, 2);
}
