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

  /**
   * One query across the user's directories: name / company / e-mail prefixes, or a number in any
   * format. Contacts of merge-enabled directories with the same Mail 1 are one profile (8.2.2):
   * the first in result order, completed by the others (which do not come again); offsets count
   * profiles, so pages neither repeat nor skip one.
   */
  async search(input: DirectorySearchRequest): Promise<DirectorySearchResult> {
    const req = directorySearchRequestSchema.parse(input);
    const scope = await this.readers.scope(req.userId);
    let match: (page: { offset: number; limit: number }) => Promise<VisibleContactRow[]>;
    if (looksLikeNumber(req.query)) {
      const plan = await this.plans.forDomain(scope.domainId);
      const canonical = this.canonical(plan, req.query, 'directory');
      const prefixes = numberPrefixes(plan, req.query, canonical);
      match = (page) => this.repo.searchNumber(scope, prefixes, canonical, scope.domainId, page);
    } else {
      const words = searchWords(req.query);
      if (words.length === 0) throw new RemoteError('bad_request', 'nothing to search for: type letters or digits');
      const tsquery = prefixTsQuery(words);
      match = (page) => this.repo.searchWords(scope, words, tsquery, page);
    }
    // Profiles up to the end of the page (+1 for hasMore): merged contacts shrink the list, so read
    // more rows until there are enough profiles or no more rows.
    const wanted = req.offset + req.limit + 1;
    let read = wanted;
    let profiles: VisibleContactRow[];
    for (;;) {
      const rows = await match({ offset: 0, limit: read });
      profiles = mergedProfiles(rows);
      if (profiles.length >= wanted || rows.length < read || read >= MAX_SEARCH_ROWS) break;
      read = Math.min(MAX_SEARCH_ROWS, read * 2);
    }
    const page = profiles.slice(req.offset, req.offset + req.limit);
    const mails = [...new Set(page.filter((r) => r.merge && r.mergeMail).map((r) => r.mergeMail!))];
    const partners = await this.repo.mergeCandidatesOf(scope, mails);
    const othersOf = (r: VisibleContactRow) => (r.merge && r.mergeMail ? partners.filter((o) => o.mergeMail === r.mergeMail && o.id !== r.id) : []);
    const mapUrl = [...page, ...partners].some((r) => needsMapUrl(r, 'caller')) ? await this.readers.mapServiceUrl(req.userId) : undefined;
    const items = page.map((r) => {
      const card = contactCard(r, 'caller', mapUrl);
      const others = othersOf(r);
      return others.length ? mergeCards(card, others.map((o) => contactCard(o, 'caller', mapUrl))) : card;
    });
    return { items, offset: req.offset, limit: req.limit, hasMore: profiles.length > req.offset + req.limit };
  }

  private async card(row: VisibleContactRow, view: ContactView, scope: ReaderScope, merge: boolean) {
    const others = merge && row.merge && row.mergeMail ? await this.repo.mergeCandidates(scope, row.mergeMail, row.id) : [];
    const mapUrl = [row, ...others].some((r) => needsMapUrl(r, view)) ? await this.readers.mapServiceUrl(scope.userId) : undefined;
    const card = contactCard(row, view, mapUrl);
    return others.length ? mergeCards(card, others.map((o) => contactCard(o, view, mapUrl))) : card;
  }
}

/** Rows a search reads at most to fill a page of merged profiles (deep pages of very merged results stop there). */
const MAX_SEARCH_ROWS = 20_000;

/**
 * Search results as profiles (8.2.2): a contact of a merge-enabled directory whose Mail 1 an
 * earlier result (also merge-enabled) has is part of that result's profile, not a result of its own.
 */
export function mergedProfiles<T extends Pick<VisibleContactRow, 'merge' | 'mergeMail'>>(rows: readonly T[]): T[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    if (!r.merge || !r.mergeMail) return true;
    if (seen.has(r.mergeMail)) return false;
    seen.add(r.mergeMail);
    return true;
  });
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
