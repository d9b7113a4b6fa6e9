// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

interface IToken {
    function balanceOf(address account) external view returns (uint256);
    function transfer(address to, uint256 amount) external returns (bool);
}

/// One customer's deposit address at an exchange: it accepts ETH and tokens, and only the exchange
/// can sweep them to its hot wallet.
contract DepositWallet {
    address public immutable exchange;

    constructor() {
        exchange = msg.sender;
    }

    receive() external payable {}

    function sweep(address token, address payable hotWallet) external {
        require(msg.sender == exchange, "not exchange");
        if (token == address(0)) {
            (bool ok, ) = hotWallet.call{value: address(this).balance}("");
            require(ok, "send failed");
        } else {
            IToken(token).transfer(hotWallet, IToken(token).balanceOf(address(this)));
        }
    }
}

/// A custodial exchange's on-chain side: per-customer deposit addresses (CREATE2, so they are known
/// before use) swept by the operator into the hot wallet, which pays withdrawals.
contract Exchange {
    address public immutable operator;
    address payable public immutable hotWallet;
    address[] public depositWallets;

    event DepositWalletCreated(address indexed wallet, uint256 index);

    constructor(address payable hotWallet_) {
        operator = msg.sender;
        hotWallet = hotWallet_;
    }

    function createDepositWallets(uint256 count) external {
        require(msg.sender == operator, "not operator");
        for (uint256 i = 0; i < count; i++) {
            uint256 index = depositWallets.length;
            address wallet = address(new DepositWallet{salt: bytes32(index)}());
            depositWallets.push(wallet);
            emit DepositWalletCreated(wallet, index);
        }
    }

    function depositWalletCount() external view returns (uint256) {
        return depositWallets.length;
    }

    function sweep(address[] calldata wallets, address token) external {
        require(msg.sender == operator, "not operator");
        for (uint256 i = 0; i < wallets.length; i++) DepositWallet(payable(wallets[i])).sweep(token, hotWallet);
    }
}
