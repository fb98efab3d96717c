/**
 * The job that builds a package's SIP and sends its orange items (plugins/conservazione/transfer
 * defines it); enqueued in the transaction that creates the package, so a package never exists
 * without its transfer.
 */
export const TRANSFER_JOB = 'conservazione.transfer';

export interface TransferJobData {
  packageId: string;
}
