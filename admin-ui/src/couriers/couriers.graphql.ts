const COURIER_ROW = /* GraphQL */ `
    fragment CourierRow on Courier {
        id
        lastName
        firstName
        middleName
        phone
        pinfl
        transportType
        vehiclePlate
        status
        documentStatus
        createdAt
        partner {
            id
            name
        }
        branch {
            id
            name
        }
    }
`;

export const COURIER_LIST = /* GraphQL */ `
    query CourierList($first: Int, $after: Cursor, $where: CourierWhereInput, $orderBy: CourierOrder) {
        couriers(first: $first, after: $after, where: $where, orderBy: $orderBy) {
            totalCount
            totalCountCapped
            pageInfo {
                endCursor
            }
            edges {
                node {
                    ...CourierRow
                }
            }
        }
    }
    ${COURIER_ROW}
`;

export const COURIER_SEARCH = /* GraphQL */ `
    query CourierSearch($search: String!, $first: Int, $after: Cursor, $where: CourierWhereInput, $orderBy: CourierOrder) {
        courierSearch(search: $search, first: $first, after: $after, where: $where, orderBy: $orderBy) {
            totalCount
            totalCountCapped
            pageInfo {
                endCursor
            }
            edges {
                node {
                    ...CourierRow
                }
            }
        }
    }
    ${COURIER_ROW}
`;

// The skip queries find the cursor before a page nobody has visited yet:
// the last edge's cursor. Not pageInfo: a connection read without edges
// answers endCursor null, and pageInfo makes the API count the rows.
export const COURIER_SKIP = /* GraphQL */ `
    query CourierSkip($first: Int, $after: Cursor, $where: CourierWhereInput, $orderBy: CourierOrder) {
        couriers(first: $first, after: $after, where: $where, orderBy: $orderBy) {
            edges {
                cursor
            }
        }
    }
`;

export const COURIER_SEARCH_SKIP = /* GraphQL */ `
    query CourierSearchSkip($search: String!, $first: Int, $after: Cursor, $where: CourierWhereInput, $orderBy: CourierOrder) {
        courierSearch(search: $search, first: $first, after: $after, where: $where, orderBy: $orderBy) {
            edges {
                cursor
            }
        }
    }
`;

const COURIER_FULL = /* GraphQL */ `
    fragment CourierFull on Courier {
        ...CourierRow
        birthDate
        gender
        statusChangedAt
        hiredAt
        firedAt
        doNotRehire
        partnerID
        branchID
        allowedActions
        updatedAt
    }
    ${COURIER_ROW}
`;

export const COURIER_ONE = /* GraphQL */ `
    query CourierOne($id: ID!) {
        node(id: $id) {
            ... on Courier {
                ...CourierFull
            }
        }
    }
    ${COURIER_FULL}
`;

// Documents and equipment are read per tab: a role that may not read them
// still sees the profile.
export const COURIER_DOCUMENTS = /* GraphQL */ `
    query CourierDocuments($id: ID!) {
        node(id: $id) {
            ... on Courier {
                id
                activationBlockers
                requiredDocuments
                documents {
                    id
                    kind
                    number
                    issuedAt
                    expiresAt
                    verification
                    rejectionReason
                    fileName
                    contentType
                    fileURL
                }
            }
        }
    }
`;

export const COURIER_EQUIPMENT = /* GraphQL */ `
    query CourierEquipment($id: ID!) {
        node(id: $id) {
            ... on Courier {
                id
                outstandingDebt
                equipmentHeld {
                    quantity
                    value
                    equipmentType {
                        id
                        name
                    }
                }
            }
        }
    }
`;

export const COURIER_MANY = /* GraphQL */ `
    query CourierMany($ids: [ID!]!) {
        nodes(ids: $ids) {
            ... on Courier {
                ...CourierRow
            }
        }
    }
    ${COURIER_ROW}
`;

export const COURIER_HISTORY = /* GraphQL */ `
    query CourierHistory($id: ID!) {
        node(id: $id) {
            ... on Courier {
                statusHistory(first: 100) {
                    edges {
                        node {
                            id
                            createdAt
                            fromStatus
                            toStatus
                            reason
                            comment
                            actor {
                                fullName
                            }
                        }
                    }
                }
            }
        }
    }
`;

export const COURIER_AUDIT = /* GraphQL */ `
    query CourierAudit($id: Int!) {
        auditEvents(first: 100, where: { entityType: "Courier", entityID: $id }, orderBy: { field: CREATED_AT, direction: DESC }) {
            edges {
                node {
                    id
                    createdAt
                    actorName
                    actorRole
                    operation
                    changes
                }
            }
        }
    }
`;

export const ONBOARD_COURIER = /* GraphQL */ `
    mutation OnboardCourier($input: OnboardCourierInput!) {
        onboardCourier(input: $input) {
            ...CourierFull
        }
    }
    ${COURIER_FULL}
`;

export const UPDATE_COURIER = /* GraphQL */ `
    mutation UpdateCourier($id: ID!, $input: UpdateCourierInput!) {
        updateCourier(id: $id, input: $input) {
            ...CourierFull
        }
    }
    ${COURIER_FULL}
`;

export const SUBMIT_COURIER = /* GraphQL */ `
    mutation SubmitForActivation($id: ID!, $key: String) {
        submitForActivation(id: $id, idempotencyKey: $key) {
            id
            status
        }
    }
`;

export const ACTIVATE_COURIER = /* GraphQL */ `
    mutation ActivateCourier($id: ID!, $key: String) {
        activateCourier(id: $id, idempotencyKey: $key) {
            id
            status
        }
    }
`;

export const BLOCK_COURIER = /* GraphQL */ `
    mutation BlockCourier($id: ID!, $reason: String!, $comment: String, $key: String) {
        blockCourier(id: $id, reason: $reason, comment: $comment, idempotencyKey: $key) {
            id
            status
        }
    }
`;

export const UNBLOCK_COURIER = /* GraphQL */ `
    mutation UnblockCourier($id: ID!, $comment: String, $key: String) {
        unblockCourier(id: $id, comment: $comment, idempotencyKey: $key) {
            id
            status
        }
    }
`;

export const FIRE_COURIER = /* GraphQL */ `
    mutation FireCourier($id: ID!, $reason: String!, $comment: String, $force: Boolean, $key: String) {
        fireCourier(id: $id, reason: $reason, comment: $comment, force: $force, idempotencyKey: $key) {
            id
            status
        }
    }
`;

export const REHIRE_COURIER = /* GraphQL */ `
    mutation RehireCourier($id: ID!, $key: String) {
        rehireCourier(id: $id, idempotencyKey: $key) {
            id
            status
        }
    }
`;

export const SET_DO_NOT_REHIRE = /* GraphQL */ `
    mutation SetCourierDoNotRehire($id: ID!, $doNotRehire: Boolean!) {
        setCourierDoNotRehire(id: $id, doNotRehire: $doNotRehire) {
            id
            doNotRehire
        }
    }
`;

export const ADD_DOCUMENT = /* GraphQL */ `
    mutation AddCourierDocument($input: AddCourierDocumentInput!) {
        addCourierDocument(input: $input) {
            id
        }
    }
`;

export const VERIFY_DOCUMENT = /* GraphQL */ `
    mutation VerifyCourierDocument($id: ID!) {
        verifyCourierDocument(id: $id) {
            id
            verification
        }
    }
`;

export const REJECT_DOCUMENT = /* GraphQL */ `
    mutation RejectCourierDocument($id: ID!, $reason: String!) {
        rejectCourierDocument(id: $id, reason: $reason) {
            id
            verification
        }
    }
`;

export const IMPORT_COURIERS = /* GraphQL */ `
    mutation ImportCouriers($file: Upload!, $dryRun: Boolean) {
        importCouriers(file: $file, dryRun: $dryRun) {
            dryRun
            rows
            created
            unchanged
            failed
            errors {
                row
                column
                key
                message
            }
        }
    }
`;
