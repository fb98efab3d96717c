import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import type { RequestContext } from '../../server/context.js';
import { ProtocolRecord } from '../protocollo/index.js';
import { labelCode, labelText } from './label-code.js';
import { labelPath, receiptPath } from './receipt.routes.js';
import { recordByLabelCode } from './receipt.service.js';
import { registerCodesLoader } from './register-codes.js';

@Resolver()
export class RicevuteResolver {
  @Query(() => ProtocolRecord, {
    description:
      'The registration a scanned label code names (ProtocolRecord.labelCode, e.g. PROT:c_demo:ADEMO01:2026:0000042), if the caller may see it; a code of no record and one of a hidden record are both NOT_FOUND; a string that is not a label code is PROTOCOL_BARCODE_MALFORMED; every viewing is audited',
  })
  @AnyAuthenticated()
  protocolRecordByBarcode(
    @Ctx() ctx: RequestContext,
    @Arg('code', { description: 'The code as the scanner read it (surrounding whitespace ignored)' })
    code: string,
  ): Promise<ProtocolRecord> {
    return recordByLabelCode(ctx, code);
  }
}

/** The label, its barcode code and the PDF addresses of a registration (reached only when visible). */
@Resolver(() => ProtocolRecord)
export class ProtocolRecordReceiptResolver {
  @FieldResolver(() => String, {
    description:
      'The short segnatura for stamping: IPA code, AOO code, register code, number and date, e.g. "c_demo ADEMO01 REG_PROT 0000042 del 04/12/2026"',
  })
  @AnyAuthenticated()
  async label(@Root() r: ProtocolRecord, @Ctx() ctx: RequestContext): Promise<string> {
    return labelText(await registerCodesLoader(ctx).load(r.aooId), r);
  }

  @FieldResolver(() => String, {
    description:
      'What the label’s barcode (Code 128) holds: PROT:<IPA code>:<AOO code>:<year>:<number>; protocolRecordByBarcode reads it back',
  })
  @AnyAuthenticated()
  async labelCode(@Root() r: ProtocolRecord, @Ctx() ctx: RequestContext): Promise<string> {
    return labelCode(await registerCodesLoader(ctx).load(r.aooId), r);
  }

  @FieldResolver(() => String, {
    description:
      'Absolute URL of the receipt of registration (PDF/A): GET it with the same bearer token; each download is audited',
  })
  @AnyAuthenticated()
  receiptUrl(@Root() r: ProtocolRecord, @Ctx() ctx: RequestContext): string {
    return `${ctx.baseUrl}${receiptPath(r.id)}`;
  }

  @FieldResolver(() => String, {
    description:
      'Absolute URL of the printable label (PDF, 100 × 50 mm, short segnatura and barcode): GET it with the same bearer token; each download is audited',
  })
  @AnyAuthenticated()
  labelUrl(@Root() r: ProtocolRecord, @Ctx() ctx: RequestContext): string {
    return `${ctx.baseUrl}${labelPath(r.id)}`;
  }
}
