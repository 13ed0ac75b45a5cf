const PARTNER = /* GraphQL */ `
    fragment PartnerFields on Partner {
        id
        name
        legalName
        inn
        contactName
        contactPhone
        archivedAt
    }
`;

export const PARTNER_LIST = /* GraphQL */ `
    query PartnerList($first: Int, $after: Cursor, $where: PartnerWhereInput, $orderBy: PartnerOrder) {
        partners(first: $first, after: $after, where: $where, orderBy: $orderBy) {
            totalCount
            pageInfo {
                endCursor
            }
            edges {
                node {
                    ...PartnerFields
                }
            }
        }
    }
    ${PARTNER}
`;

export const PARTNER_NODES = /* GraphQL */ `
    query PartnerNodes($ids: [ID!]!) {
        nodes(ids: $ids) {
            ... on Partner {
                ...PartnerFields
            }
        }
    }
    ${PARTNER}
`;

export const CREATE_PARTNER = /* GraphQL */ `
    mutation CreatePartner($input: CreatePartnerInput!) {
        createPartner(input: $input) {
            ...PartnerFields
        }
    }
    ${PARTNER}
`;

export const UPDATE_PARTNER = /* GraphQL */ `
    mutation UpdatePartner($id: ID!, $input: UpdatePartnerInput!) {
        updatePartner(id: $id, input: $input) {
            ...PartnerFields
        }
    }
    ${PARTNER}
`;
