/** The send job's name (its own file: the job and the services that enqueue it both need it). */
export const SEND_JOB = 'pec.send';
